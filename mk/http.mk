# The HTTP/1.1 subset shared by tpc-server and fut-server (issue 6).

HTTP_SRCS := user/http/http_parse.c user/http/http_response.c
HTTP_OBJS := $(HTTP_SRCS:%.c=$(B)/%.o)

$(B)/user/http/%.o: user/http/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser -MMD -c $< -o $@
