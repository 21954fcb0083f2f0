/* isolation/network-connect: what a C filter author would write to open a TCP
 * connection. Compiled by the isolation suite only, to show the build refusing it. */
#include <netinet/in.h>
#include <sys/socket.h>
#include "plugbench.h"

bool pb_init(pb_str config, pb_str *error) {
  (void)config;
  (void)error;
  return true;
}

pb_str pb_handle(void) {
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(9);
  addr.sin_addr.s_addr = htonl(0x7f000001);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  return connect(s, (struct sockaddr *)&addr, sizeof addr) == 0 ? PB_STR("allowed:connected") : PB_STR("denied:connect failed");
}
