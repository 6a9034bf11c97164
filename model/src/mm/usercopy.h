// Hardened usercopy's kmap check (mm/usercopy.c, 4e140f59d285).
#pragma once

namespace kmapsim {

class Machine;

// Called by every copy to or from user space (copy_to_user, copy_from_user
// and the ITER_UBUF iov_iter copies) before it touches memory.
void check_usercopy_kmap(Machine &m, const void *kaddr, unsigned long n, bool to_user, const char *api);

}  // namespace kmapsim
