func.func @f() attributes {flags = array<i01: 1, 1>} {
  "qnn.unknown"() : () -> ()
  return
}
