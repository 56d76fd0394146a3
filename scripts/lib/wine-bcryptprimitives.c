/*
 * A stand-in for Windows' bcryptprimitives.dll, for the Wine smoke test in
 * scripts/package-windows.sh only; it is never shipped.
 *
 * Rust's standard library (1.78 and later) takes its random numbers from ProcessPrng in
 * bcryptprimitives.dll, which every Windows it supports (10 and later) has. Wine 8.0, the one
 * Debian bookworm packages, has no such DLL, so under it any Rust program stops before main with
 * "Library bcryptprimitives.dll ... not found" (status c0000135). This DLL gives Wine the one
 * function, filled from RtlGenRandom (advapi32's SystemFunction036), which Wine does have.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
