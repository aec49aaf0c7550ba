// The aiothrift quickstart service.
service PingPong {
  string ping(),
  i64 add(1: i32 a, 2: i64 b),
}
