// The service of the cluster example: every worker process answers it on the same port.
namespace js cluster

service Cluster {
  // The answering worker's process id.
  i32 pid(),
  void ping(),
  // Answers after ms milliseconds (to see graceful shutdown drain a call).
  i32 slow(1: i32 ms),
  // Burns CPU for about `micros` microseconds: a handler that costs more than the wire.
  i32 work(1: i32 micros),
}
