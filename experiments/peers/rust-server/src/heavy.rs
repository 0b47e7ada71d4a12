//! The heavy branch: the C servers' scratch of n bytes, filled with
//! xorshift64 and digested with FNV-1a (user/workload/), held across an
//! await as fut-server's heavy future holds it across its suspension.  The
//! scratch is a local array of the async fn, so it is part of the
//! compiler's state machine: inline in the connection's future when that
//! awaits `heavy::<N>(n)` in place (every task is sized for it), on the
//! heap only while the branch runs when it awaits `Box::pin(heavy::<N>(n))`.
//! An array's size is a constant: N is --heavy-bytes rounded up to a power
//! of two (main.rs picks it), and n <= N bytes of it are used.

use std::mem::MaybeUninit;

/// Fill, yield, digest.  The yield is the await the scratch lives across.
pub async fn heavy<const N: usize>(n: usize) -> u64 {
    // Every byte read back is written first (fill), as in the C servers,
    // which do not clear their scratch either.
    let mut scratch: [MaybeUninit<u8>; N] = unsafe { MaybeUninit::uninit().assume_init() };
    fill(&mut scratch[..n]);
    tokio::task::yield_now().await;
    sum(&scratch[..n])
}

/// The heavy future boxed: what `--heavy boxed` awaits.
pub fn heavy_boxed<const N: usize>(n: usize) -> std::pin::Pin<Box<impl std::future::Future<Output = u64>>> {
    Box::pin(heavy::<N>(n))
}

/// Not inlined: the scratch must really be written where the future keeps it.
#[inline(never)]
fn fill(scratch: &mut [MaybeUninit<u8>]) {
    let mut x: u64 = 0x9e3779b97f4a7c15 ^ scratch.len() as u64;
    for b in scratch.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b.write(x as u8);
    }
}

#[inline(never)]
fn sum(scratch: &[MaybeUninit<u8>]) -> u64 {
    let mut digest: u64 = 0xcbf29ce484222325;
    for b in scratch {
        // fill() wrote every byte of this slice.
        digest ^= unsafe { b.assume_init() } as u64;
        digest = digest.wrapping_mul(0x100000001b3);
    }
    digest
}
