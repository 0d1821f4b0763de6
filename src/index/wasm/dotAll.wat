;; The vector stage's arithmetic, in WebAssembly SIMD. Compiled into dotAllWasm.ts by
;; `npm run build:wasm`. Pointers are byte offsets into the exported memory.
;;
;; dotAll(matrix, rows, dims, vector, out): out[r] = sum_d matrix[r*dims + d] * vector[d], over
;;   float32 rows, four lanes at a time, in two running sums (pairs of four-lane chunks, then an
;;   odd last chunk): independent additions, about 10% faster than one sum. dims: a multiple of 4.
;; dotRows(matrix, dims, vector, list, count, out): the same sum for `count` rows named by the
;;   int32 list, computed exactly as dotAll does (the same float32 result, bit for bit).
;; quantise(matrix, rows, dims, out8, stride, scales, norm) -> f32: each float32 row as int8
;;   values (round(x / scale), scale = the row's largest magnitude / 127) in rows of `stride` bytes
;;   (a multiple of 8, the padding left zero), its scale in scales[r]; returns the largest
;;   quantising error of any row, as a Euclidean length, and stores the largest row length at `norm`.
;; dotI8(matrix8, rows, stride, query16, scales, out): out[r] = scales[r] * sum_d matrix8[r][d] *
;;   query16[d] over int8 rows of `stride` bytes (a multiple of 8), the question's int8 values
;;   given widened to int16 (2 * stride bytes), eight lanes at a time, four rows at once (rows: a
;;   multiple of 4), the rows' bytes widened as they are loaded: the same integer sums in any order,
;;   so the same scores. About a quarter of the float32 rows' bytes to read.
;; dotPairs(row, dims, pairs, count, out): the soft match's word-vector dot products of one float32
;;   row with up to 2 * count query vectors, laid out as `count` pairs (count even) of float64 lanes:
;;   pair j's value k at pairs + (j * dims + k) * 16 holds the two query vectors' k-th values. Each
;;   lane sums row[k] * q[k] in float64 for k = 0, 1, … in order: the very sum the JavaScript loop
;;   computes (float32 values widened exactly, the same products, the same additions in the same
;;   order), so the same double, bit for bit. Two pairs per pass: independent additions.
(module
  (memory (export "memory") 1)

  ;; One float32 row's dot product with the vector (dotAll's and dotRows' shared arithmetic).
  (func $row (param $p i32) (param $v i32) (param $bytes i32) (param $pairs i32) (result f32)
    (local $d i32) (local $a0 v128) (local $a1 v128)
    (block $pairsDone
      (loop $pairLoop
        (br_if $pairsDone (i32.ge_u (local.get $d) (local.get $pairs)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul
              (v128.load (i32.add (local.get $p) (local.get $d)))
              (v128.load (i32.add (local.get $v) (local.get $d))))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul
              (v128.load offset=16 (i32.add (local.get $p) (local.get $d)))
              (v128.load offset=16 (i32.add (local.get $v) (local.get $d))))))
        (local.set $d (i32.add (local.get $d) (i32.const 32)))
        (br $pairLoop)))
    (if (i32.lt_u (local.get $d) (local.get $bytes))
      (then
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul
              (v128.load (i32.add (local.get $p) (local.get $d)))
              (v128.load (i32.add (local.get $v) (local.get $d))))))))
    (local.set $a0 (f32x4.add (local.get $a0) (local.get $a1)))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
      (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))

  (func (export "dotAll") (param $m i32) (param $rows i32) (param $dims i32) (param $v i32) (param $out i32)
    (local $r i32) (local $p i32) (local $bytes i32) (local $pairs i32)
    (local.set $bytes (i32.shl (local.get $dims) (i32.const 2)))
    ;; bytes covered by whole pairs of four-lane chunks (32 bytes each)
    (local.set $pairs (i32.and (local.get $bytes) (i32.const -32)))
    (local.set $p (local.get $m))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (f32.store
          (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (call $row (local.get $p) (local.get $v) (local.get $bytes) (local.get $pairs)))
        (local.set $p (i32.add (local.get $p) (local.get $bytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  (func (export "dotRows") (param $m i32) (param $dims i32) (param $v i32) (param $list i32) (param $count i32) (param $out i32)
    (local $i i32) (local $bytes i32) (local $pairs i32)
    (local.set $bytes (i32.shl (local.get $dims) (i32.const 2)))
    (local.set $pairs (i32.and (local.get $bytes) (i32.const -32)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (f32.store
          (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (call $row
            (i32.add (local.get $m) (i32.mul (i32.load (i32.add (local.get $list) (i32.shl (local.get $i) (i32.const 2)))) (local.get $bytes)))
            (local.get $v) (local.get $bytes) (local.get $pairs)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  (func (export "quantise") (param $m i32) (param $rows i32) (param $dims i32) (param $out8 i32) (param $stride i32) (param $scales i32) (param $norm i32) (result f32)
    (local $r i32) (local $d i32) (local $p i32) (local $q i32) (local $bytes i32)
    (local $max v128) (local $x v128) (local $n v128) (local $e v128) (local $l v128) (local $big f32) (local $scale f32) (local $worst f32) (local $err f32) (local $longest f32)
    (local.set $bytes (i32.shl (local.get $dims) (i32.const 2)))
    (local.set $p (local.get $m))
    (local.set $q (local.get $out8))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        ;; the row's largest magnitude
        (local.set $max (v128.const f32x4 0 0 0 0))
        (local.set $l (v128.const f32x4 0 0 0 0))
        (local.set $d (i32.const 0))
        (block $maxDone
          (loop $maxLoop
            (br_if $maxDone (i32.ge_u (local.get $d) (local.get $bytes)))
            (local.set $x (v128.load (i32.add (local.get $p) (local.get $d))))
            (local.set $max (f32x4.max (local.get $max) (f32x4.abs (local.get $x))))
            (local.set $l (f32x4.add (local.get $l) (f32x4.mul (local.get $x) (local.get $x))))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $maxLoop)))
        (local.set $big (f32.max
          (f32.max (f32x4.extract_lane 0 (local.get $max)) (f32x4.extract_lane 1 (local.get $max)))
          (f32.max (f32x4.extract_lane 2 (local.get $max)) (f32x4.extract_lane 3 (local.get $max)))))
        (local.set $scale (select (f32.div (local.get $big) (f32.const 127)) (f32.const 1) (f32.gt (local.get $big) (f32.const 0))))
        (f32.store (i32.add (local.get $scales) (i32.shl (local.get $r) (i32.const 2))) (local.get $scale))
        ;; round(x / scale), four at a time, narrowed to four bytes; the error's squares summed
        (local.set $e (v128.const f32x4 0 0 0 0))
        (local.set $d (i32.const 0))
        (block $valuesDone
          (loop $valueLoop
            (br_if $valuesDone (i32.ge_u (local.get $d) (local.get $bytes)))
            (local.set $x (v128.load (i32.add (local.get $p) (local.get $d))))
            (local.set $n (f32x4.nearest (f32x4.div (local.get $x) (f32x4.splat (local.get $scale)))))
            (local.set $x (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (f32x4.splat (local.get $scale)))))
            (local.set $e (f32x4.add (local.get $e) (f32x4.mul (local.get $x) (local.get $x))))
            (local.set $n (i32x4.trunc_sat_f32x4_s (local.get $n)))
            (local.set $n (i16x8.narrow_i32x4_s (local.get $n) (local.get $n)))
            (local.set $n (i8x16.narrow_i16x8_s (local.get $n) (local.get $n)))
            (v128.store32_lane 0 (i32.add (local.get $q) (i32.shr_u (local.get $d) (i32.const 2))) (local.get $n))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $valueLoop)))
        (local.set $err (f32.sqrt (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $e)) (f32x4.extract_lane 1 (local.get $e)))
          (f32.add (f32x4.extract_lane 2 (local.get $e)) (f32x4.extract_lane 3 (local.get $e))))))
        (local.set $worst (f32.max (local.get $worst) (local.get $err)))
        (local.set $longest (f32.max (local.get $longest) (f32.sqrt (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $l)) (f32x4.extract_lane 1 (local.get $l)))
          (f32.add (f32x4.extract_lane 2 (local.get $l)) (f32x4.extract_lane 3 (local.get $l)))))))
        (local.set $p (i32.add (local.get $p) (local.get $bytes)))
        (local.set $q (i32.add (local.get $q) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop)))
    (f32.store (local.get $norm) (local.get $longest))
    (local.get $worst))

  (func (export "dotI8") (param $m i32) (param $rows i32) (param $stride i32) (param $q i32) (param $scales i32) (param $out i32)
    (local $r i32) (local $d i32) (local $p i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $y i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $v v128) (local $s01 v128) (local $s23 v128)
    (local.set $p (local.get $m))
    (local.set $o1 (local.get $stride))
    (local.set $o2 (i32.shl (local.get $stride) (i32.const 1)))
    (local.set $o3 (i32.add (local.get $o2) (local.get $stride)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $d (i32.const 0))
        (local.set $y (local.get $q))
        (block $chunksDone
          (loop $chunkLoop
            (br_if $chunksDone (i32.ge_u (local.get $d) (local.get $stride)))
            ;; eight of the question's values, already int16; eight of each row's, widened as
            ;; they are loaded, multiplied pairwise into int32 lanes (2 * 127 * 127 fits easily)
            (local.set $v (v128.load (local.get $y)))
            (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s
              (v128.load8x8_s (i32.add (local.get $p) (local.get $d))) (local.get $v))))
            (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s
              (v128.load8x8_s (i32.add (local.get $p) (i32.add (local.get $d) (local.get $o1)))) (local.get $v))))
            (local.set $a2 (i32x4.add (local.get $a2) (i32x4.dot_i16x8_s
              (v128.load8x8_s (i32.add (local.get $p) (i32.add (local.get $d) (local.get $o2)))) (local.get $v))))
            (local.set $a3 (i32x4.add (local.get $a3) (i32x4.dot_i16x8_s
              (v128.load8x8_s (i32.add (local.get $p) (i32.add (local.get $d) (local.get $o3)))) (local.get $v))))
            (local.set $d (i32.add (local.get $d) (i32.const 8)))
            (local.set $y (i32.add (local.get $y) (i32.const 16)))
            (br $chunkLoop)))
        ;; the four rows' lane sums at once: pairs of lanes, then pairs of pairs
        (local.set $s01 (i32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a1))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a0) (local.get $a1))))
        (local.set $s23 (i32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a2) (local.get $a3))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a2) (local.get $a3))))
        (v128.store
          (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (f32x4.mul
            (v128.load (i32.add (local.get $scales) (i32.shl (local.get $r) (i32.const 2))))
            (f32x4.convert_i32x4_s (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s01) (local.get $s23))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s01) (local.get $s23))))))
        (local.set $p (i32.add (local.get $p) (i32.shl (local.get $stride) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rowLoop))))

  (func (export "dotPairs") (param $row i32) (param $dims i32) (param $pairs i32) (param $count i32) (param $out i32)
    (local $j i32) (local $k i32) (local $q0 i32) (local $q1 i32) (local $r i32) (local $end i32) (local $x v128) (local $a0 v128) (local $a1 v128) (local $span i32)
    (local.set $span (i32.shl (local.get $dims) (i32.const 4)))
    (local.set $end (i32.add (local.get $row) (i32.shl (local.get $dims) (i32.const 2))))
    (local.set $q0 (local.get $pairs))
    (block $pairsDone
      (loop $pairLoop
        (br_if $pairsDone (i32.ge_u (local.get $j) (local.get $count)))
        (local.set $q1 (i32.add (local.get $q0) (local.get $span)))
        (local.set $a0 (v128.const f64x2 0 0))
        (local.set $a1 (v128.const f64x2 0 0))
        (local.set $r (local.get $row))
        (block $valuesDone
          (loop $valueLoop
            (br_if $valuesDone (i32.ge_u (local.get $r) (local.get $end)))
            (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (local.get $r)))))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $x) (v128.load (local.get $q0)))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $x) (v128.load (local.get $q1)))))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (local.set $q0 (i32.add (local.get $q0) (i32.const 16)))
            (local.set $q1 (i32.add (local.get $q1) (i32.const 16)))
            (br $valueLoop)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 4))) (local.get $a0))
        (v128.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 4))) (local.get $a1))
        ;; q0 has walked pair j; pair j + 2 starts a pair further on
        (local.set $q0 (i32.add (local.get $q0) (local.get $span)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pairLoop)))))
