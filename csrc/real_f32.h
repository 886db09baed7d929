/* real_f32.h -- the float32 instantiation of the core's templates (see
 * real_f64.h). */
#define real float
#define REAL_SUFFIX f32
#define REAL_BYTES 4
#define GEMM pynn_gemm_s
#define EXP expf
#define LOG logf
#define LOG1P log1pf
#define TANH tanhf
#define SQRT sqrtf
#define FABS fabsf
#define REAL_MAX 3.40282347e38f
#define REAL_MIN 1.17549435e-38f
#define EXP_INT int32_t
#define EXP_MANT 23
#define EXP_BIAS 127
#define EXP_SAFE 87.0f
#define EXP_LN2_HI 0.693145751953125f
#define EXP_LN2_LO 1.428606765330187045e-06f
#define EXP_DEGREE 7
#define EXP_INV_FACTORIALS 1.0f, 1.0f, 1.0f / 2, 1.0f / 6, 1.0f / 24, 1.0f / 120, 1.0f / 720, 1.0f / 5040
