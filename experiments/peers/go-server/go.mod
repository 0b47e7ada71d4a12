module stacklab/go-server

go 1.19
