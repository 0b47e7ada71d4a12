# Tests of the code every tool shares (user/common/).

$(B)/tests/common/opts: user/common/opts.c VERSION
