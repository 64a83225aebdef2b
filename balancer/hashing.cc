#include "balancer/hashing.h"

#include <xxhash.h>

#include <array>

namespace faultline::balancer {

std::uint64_t xxHash64(std::string_view bytes, std::uint64_t seed) {
  return XXH64(bytes.data(), bytes.size(), seed);
}

std::uint64_t hashRequestKey(std::uint64_t key) {
  std::array<unsigned char, 8> bytes;
  for (auto& byte : bytes) {
    byte = static_cast<unsigned char>(key & 0xff);
    key >>= 8;
  }
  return XXH64(bytes.data(), bytes.size(), 0);
}

}  // namespace faultline::balancer
