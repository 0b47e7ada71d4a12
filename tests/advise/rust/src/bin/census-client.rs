// Opens --conns connections to 127.0.0.1:--port, sends "h" on the first
// --heavy of them and "p" on the rest, and waits for each answer, so every
// server task is parked where the census should find it.  Prints "ready",
// then reads commands on stdin: "close N" closes N of the "p" connections
// and prints "closed"; "heavy N" sends "h" on N more of them, waits for
// their answers and prints "heavied"; end of input exits.
use std::io::{BufRead, Read, Write};
use std::net::TcpStream;

fn arg(args: &[String], name: &str) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            eprintln!("usage: census-client --port P --conns N --heavy K");
            std::process::exit(2)
        })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (port, n, k) = (arg(&args, "--port"), arg(&args, "--conns"), arg(&args, "--heavy"));
    let mut conns = Vec::with_capacity(n);
    for i in 0..n {
        let mut s = TcpStream::connect(("127.0.0.1", port as u16)).expect("census-client: connect");
        s.write_all(if i < k { b"h" } else { b"p" }).expect("census-client: write");
        let mut ans = [0u8; 6];
        let want = if i < k { 6 } else { 5 };
        s.read_exact(&mut ans[..want]).expect("census-client: answer");
        conns.push(s);
    }
    println!("ready");
    std::io::stdout().flush().unwrap();
    let mut heavied = k;
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap_or_default();
        if let Some(m) = line.strip_prefix("heavy ") {
            let m: usize = m.trim().parse().unwrap_or(0);
            for s in conns.iter_mut().skip(heavied).take(m) {
                s.write_all(b"h").expect("census-client: write");
                s.read_exact(&mut [0u8; 6]).expect("census-client: answer");
            }
            heavied += m;
            println!("heavied");
            std::io::stdout().flush().unwrap();
        }
        if let Some(m) = line.strip_prefix("close ") {
            let m: usize = m.trim().parse().unwrap_or(0);
            for _ in 0..m.min(conns.len() - k) {
                conns.pop();
            }
            println!("closed");
            std::io::stdout().flush().unwrap();
        }
    }
}
