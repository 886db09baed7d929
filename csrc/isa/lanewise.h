/* isa/lanewise.h -- partial loads and stores lane by lane, for instruction
 * sets without masked memory access (generic.h, neon.h).  Included once per
 * scalar type, after T(vec).  The first `count` (< LANES) numbers at p, the
 * other lanes 0; nothing past p[count - 1] is read or written. */
static inline T(vec) T(vload_part)(const real *p, int count)
{
    T(vec) v = {0};
    for (int i = 0; i < count; i++) v[i] = p[i];
    return v;
}

static inline void T(vstore_part)(real *p, T(vec) v, int count)
{
    for (int i = 0; i < count; i++) p[i] = v[i];
}
