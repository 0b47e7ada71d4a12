// Futures of every shape fut-advise's static reading must size: nested async
// fns, an async block, a boxed child, a recursive (boxed) async fn.  Prints
// "NAME BYTES" for each, from std::mem::size_of_val, for the test to compare
// with `fut-advise --binary`.  Nothing is polled: sizes are the compiler's.
// The names are those fut-advise gives: an async fn by its fn, an async
// block by its place ("main_block": sizes::main::{async_block_env#0}).
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

async fn leaf(n: u64) -> u64 {
    let buf = [n as u8; 300];
    YieldOnce(false).await;
    buf.iter().map(|&b| b as u64).sum()
}

async fn middle(n: u64) -> u64 {
    let a = leaf(n).await;
    let big = [a as u8; 2000];
    let b = leaf(a).await;
    b + big[(a % 2000) as usize] as u64
}

async fn boxed_parent(n: u64) -> u64 {
    Box::pin(middle(n)).await + 1
}

fn recurse(n: u32) -> Pin<Box<dyn Future<Output = u64>>> {
    Box::pin(async move {
        if n == 0 {
            leaf(1).await
        } else {
            recurse(n - 1).await + 1
        }
    })
}

async fn top(n: u64) -> u64 {
    let block = async move {
        let x = middle(n).await;
        YieldOnce(false).await;
        x
    };
    let a = block.await;
    let b = boxed_parent(a).await;
    b + recurse(3).await
}

fn main() {
    println!("leaf {}", std::mem::size_of_val(&leaf(1)));
    println!("middle {}", std::mem::size_of_val(&middle(1)));
    println!("boxed_parent {}", std::mem::size_of_val(&boxed_parent(1)));
    println!("top {}", std::mem::size_of_val(&top(1)));
    let r = recurse(1);
    println!("recurse {}", std::mem::size_of_val(&*r));
    let n = std::env::args().count() as u64;
    let block = async move {
        let x = leaf(n).await;
        let y = [x as u8; 700];
        YieldOnce(false).await;
        y[3] as u64
    };
    println!("main_block {}", std::mem::size_of_val(&block));
    // --wait: stay up until stdin closes (a Rust program that is not a
    // tokio one, for fut-advise --pid's error).
    if std::env::args().any(|a| a == "--wait") {
        use std::io::Write;
        std::io::stdout().flush().unwrap();
        let _ = std::io::Read::read(&mut std::io::stdin(), &mut [0u8; 1]);
    }
}
