#include "jaams/util/memory.hpp"

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

namespace jaams {

void keep_freed_memory() {
#if defined(M_MMAP_MAX) && defined(M_TRIM_THRESHOLD)  // glibc's mallopt
  mallopt(M_MMAP_MAX, 0);              // large blocks come from the heap, where frees are reused
  mallopt(M_TRIM_THRESHOLD, 1 << 30);  // and are not handed back after every step
#endif
}

}  // namespace jaams
