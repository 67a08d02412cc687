#include <cblas.h>
/* openblas_set_num_threads is declared by cblas.h in OpenBLAS builds. */
