// Fixture for the type tests of generated code: a union (strict: exactly one field),
// an exception with an optional field (Apache's tutorial InvalidOperation), and
// optional arguments (trailing ones may be left out by the client).
namespace js strict

struct Item {
  1: required i32 id,
  2: optional string note,
}

union Value {
  1: string s,
  2: i64 n,
  3: list<Item> items,
}

exception InvalidOperation {
  1: i32 whatOp,
  2: optional string why,
}

service Calc {
  Value put(1: Value value),
  i32 compute(1: i32 a, 2: optional i32 b, 3: optional string label) throws (1: InvalidOperation ouch),
  void note(1: optional i32 first, 2: string second),
}
