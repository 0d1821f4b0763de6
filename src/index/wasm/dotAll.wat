;; Dot product of every row of a row-major float32 matrix with one vector, four lanes at a time
;; (WebAssembly SIMD). Compiled into dotAllWasm.ts by `npm run build:wasm`.
;;   dotAll(matrix, rows, dims, vector, out): out[r] = sum_d matrix[r*dims + d] * vector[d]
;; Pointers are byte offsets into the exported memory; dims must be a multiple of 4.
(module
  (memory (export "memory") 1)
  (func (export "dotAll") (param $m i32) (param $rows i32) (param $dims i32) (param $v i32) (param $out i32)
    (local $r i32) (local $d i32) (local $p i32) (local $bytes i32) (local $acc v128)
    (local.set $bytes (i32.shl (local.get $dims) (i32.const 2)))
    (local.set $p (local.get $m))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $d (i32.const 0))
        (block $dimsDone
          (loop $dimLoop
            (br_if $dimsDone (i32.ge_u (local.get $d) (local.get $bytes)))
            (local.set $acc
              (f32x4.add (local.get $acc)
                (f32x4.mul
                  (v128.load (i32.add (local.get $p) (local.get $d)))
                  (v128.load (i32.add (local.get $v) (local.get $d))))))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $dimLoop)))
        (f32.store
          (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
            (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (local.set $p (i32.add (local.get $p) (local.get $bytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop)))))
