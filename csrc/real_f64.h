/* real_f64.h -- the float64 instantiation of the core's templates: the
 * scalar type, its libm functions and the constants of vexp.inc.
 * Included before a template; real_undef.h ends it.  T(name) is defined
 * by the includer (the kernels add the instruction set to the name). */
#define real double
#define REAL_SUFFIX f64
/* sizeof(real), where the preprocessor needs it (the lane count, LANES) */
#define REAL_BYTES 8
#define GEMM pynn_gemm_d
#define EXP exp
#define LOG log
#define LOG1P log1p
#define TANH tanh
#define SQRT sqrt
#define FABS fabs
#define REAL_MAX 1.7976931348623157e308
#define REAL_MIN 2.2250738585072014e-308
/* vexp.inc: IEEE double's exponent field, the range where e^x and e^-x stay
   normal numbers, ln 2 = HI + LO with HI's low bits zero, and 1/k! for the
   Taylor polynomial of degree EXP_DEGREE */
#define EXP_INT int64_t
#define EXP_MANT 52
#define EXP_BIAS 1023
#define EXP_SAFE 708.0
#define EXP_LN2_HI 6.93147180369123816490e-01
#define EXP_LN2_LO 1.90821492927058770002e-10
#define EXP_DEGREE 13
#define EXP_INV_FACTORIALS                                                             \
    1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320, \
        1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0
