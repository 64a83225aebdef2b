#include "engine/live/asio_types.h"

namespace faultline::live {

std::optional<std::string> listenOn(Acceptor& acceptor,
                                    const boost::asio::ip::tcp::endpoint& endpoint) {
  boost::system::error_code error;
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(Acceptor::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(boost::asio::socket_base::max_listen_connections, error);
  if (!error) return std::nullopt;
  return "cannot listen on " + endpoint.address().to_string() + ":" +
         std::to_string(endpoint.port()) + ": " + error.message();
}

}  // namespace faultline::live
