// A tokio server with one task per connection, for fut-advise's census:
// "p" answers "pong\n" (the task goes back to its read), "h" enters the
// heavy branch, which answers "heavy\n" and then waits for one more read
// holding HEAVY bytes.  --heavy says how that state is held: `inline` awaits
// the heavy async fn in place, `boxed` awaits Box::pin of it, `dyn` awaits
// it as a Pin<Box<dyn Future>>, `local` holds the scratch as a local of the
// connection's own future, `aligned` too, 128-byte aligned.  Prints the port it listens on (as
// "census-server: listening on 127.0.0.1:PORT"; --port 0 for any), then
// serves until killed.
use std::future::Future;
use std::io;
use std::pin::Pin;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const HEAVY: usize = 256 * 1024;

async fn heavy(s: &mut TcpStream) -> io::Result<()> {
    let mut scratch = [0u8; HEAVY];
    s.write_all(b"heavy\n").await?;
    let n = s.read(&mut scratch).await?;
    s.write_all(&scratch[..n.min(1)]).await
}

// One connection's loop; each mode is its own async fn (its own state
// machine), differing only in the heavy branch.
macro_rules! conn {
    ($name:ident, $s:ident, $heavy:block) => {
        async fn $name(mut $s: TcpStream) -> io::Result<()> {
            let mut buf = [0u8; 64];
            loop {
                let n = $s.read(&mut buf).await?;
                if n == 0 {
                    return Ok(());
                }
                if buf[0] == b'h' {
                    $heavy
                } else {
                    $s.write_all(b"pong\n").await?;
                }
            }
        }
    };
}

conn!(conn_inline, s, {
    heavy(&mut s).await?;
});

conn!(conn_boxed, s, {
    Box::pin(heavy(&mut s)).await?;
});

conn!(conn_dyn, s, {
    let child: Pin<Box<dyn Future<Output = io::Result<()>> + Send + '_>> = Box::pin(heavy(&mut s));
    child.await?;
});

// A 128-byte aligned scratch: the task's cell is aligned so too, and
// malloc places it inside its chunk (posix_memalign).
#[repr(align(128))]
struct Aligned([u8; HEAVY]);

conn!(conn_aligned, s, {
    let mut scratch = Aligned([0u8; HEAVY]);
    s.write_all(b"heavy\n").await?;
    let n = s.read(&mut scratch.0).await?;
    s.write_all(&scratch.0[..n.min(1)]).await?;
});

conn!(conn_local, s, {
    let mut scratch = [0u8; HEAVY];
    s.write_all(b"heavy\n").await?;
    let n = s.read(&mut scratch).await?;
    s.write_all(&scratch[..n.min(1)]).await?;
});

async fn serve(l: TcpListener, mode: String) {
    loop {
        let (s, _) = match l.accept().await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("census-server: accept: {}", e);
                continue;
            }
        };
        match mode.as_str() {
            "boxed" => tokio::spawn(conn_boxed(s)),
            "local" => tokio::spawn(conn_local(s)),
            "dyn" => tokio::spawn(conn_dyn(s)),
            "aligned" => tokio::spawn(conn_aligned(s)),
            _ => tokio::spawn(conn_inline(s)),
        };
    }
}

fn usage() -> ! {
    eprintln!("usage: census-server [--port N] [--threads N] [--heavy inline|boxed|dyn|local|aligned]");
    std::process::exit(2);
}

fn main() {
    let (mut port, mut threads, mut mode) = (0u16, 0usize, String::from("inline"));
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--port" => port = v.parse().unwrap_or_else(|_| usage()),
            "--threads" => threads = v.parse().unwrap_or_else(|_| usage()),
            "--heavy" if ["inline", "boxed", "dyn", "local", "aligned"].contains(&v.as_str()) => mode = v,
            _ => usage(),
        }
    }
    let rt = if threads == 0 {
        tokio::runtime::Builder::new_current_thread().enable_io().build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_io()
            .build()
    }
    .expect("census-server: runtime");
    rt.block_on(async move {
        let l = TcpListener::bind(("127.0.0.1", port)).await.expect("census-server: bind");
        println!("census-server: listening on {}", l.local_addr().unwrap());
        serve(l, mode).await
    });
}
