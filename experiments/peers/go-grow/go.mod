module stacklab/go-grow

go 1.19

require stacklab/go-server v0.0.0

// The heavy branch is go-server's own, from the tree: nothing is fetched.
replace stacklab/go-server => ../go-server
