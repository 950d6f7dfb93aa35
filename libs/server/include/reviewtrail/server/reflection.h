#pragma once

namespace reviewtrail::server {

// Makes every gRPC server built afterwards in this process serve reflection, in both versions of
// the protocol: grpc.reflection.v1 (ours, answering from the generated descriptor pool) and
// grpc.reflection.v1alpha (gRPC's plugin; Debian's gRPC 1.51 has no v1). Links the descriptor of
// every ReviewTrail contract into the pool first, so that every service a server lists — its own,
// grpc.health.v1.Health and the reflection services — resolves by symbol, with its methods and
// message types. Idempotent and thread-safe; call before building a server.
void EnableServerReflection();

}  // namespace reviewtrail::server
