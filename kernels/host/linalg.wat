;; Float64 dense linear algebra for the host (the i-vector and subspace EM): a panel matrix
;; product, and Cholesky factorisations with the solves and inverses built on them, in f64x2
;; SIMD. scripts/build-wasm.mjs expands (f64x2.madd a b c) into a * b + c.
;;
;; Matrices are row-major f64; addresses are bytes. A "panel" matrix [rows, cols] is stored as
;; ceil(cols / 4) panels of [rows, 4] (panel q holds columns 4q..4q+3, zero-padded): a panel's
;; rows are contiguous, so a product streams each panel once from cache.
;;
;;   pgemm(a, lda, rows, k, b, out, q0, q1): out += A B on panels q0..q1-1, A [rows, k] with row
;;     stride lda values, B [k, cols] and out [rows, cols] as panels;
;;   cholesky(a, n) -> 0, or j + 1 where pivot j is not positive: L (L L^T = a) in a's lower
;;     triangle, a [n, n] (its upper triangle is not read);
;;   cholesky_solve(l, n, x, m): x [n, m] := (L L^T)^-1 x;
;;   spd_solve(a, n, x, m, count, status): count systems a_i [n, n], x_i [n, m] one after another,
;;     x_i := a_i^-1 x_i by cholesky; status_i (i32) = cholesky's result (x_i untouched unless 0);
;;   posteriors(aP, bP, h, n, u0, u1, wP, mP, work, status): for members u0..u1-1 of a batch of h,
;;     from A_u = I + (the upper triangle packed by rows: (a, b), a <= b, in row-major order, in
;;     panels aP [h, n (n + 1) / 2]) and b_u (panels bP [h, n]): w_u = A_u^-1 b_u into panels wP [h, n];
;;     with mP != 0 also A_u^-1 + w_u w_u^T, packed as A, into panels mP [h, n (n + 1) / 2].
;;     work: 2 n^2 + n f64 per thread. status_u as cholesky's (nothing written for u unless 0).

(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; ---- the panel product ----

  (func (export "pgemm")
    (param $a i32) (param $lda i32) (param $rows i32) (param $k i32) (param $b i32) (param $out i32)
    (param $q0 i32) (param $q1 i32)
    (local $k0 i32) (local $kc i32) (local $q i32) (local $i i32) (local $bq i32) (local $oq i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $lda) (i32.const 3)))
    ;; k in chunks: a chunk of a panel (8 KiB) stays in L1 while every row block passes over it
    (block $kdone
      (loop $kchunks
        (br_if $kdone (i32.ge_u (local.get $k0) (local.get $k)))
        (local.set $kc (i32.sub (local.get $k) (local.get $k0)))
        (if (i32.gt_u (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
        (local.set $q (local.get $q0))
        (block $qdone
          (loop $panels
            (br_if $qdone (i32.ge_u (local.get $q) (local.get $q1)))
            (local.set $bq (i32.add (local.get $b)
              (i32.shl (i32.add (i32.mul (local.get $q) (local.get $k)) (local.get $k0)) (i32.const 5))))
            (local.set $oq (i32.add (local.get $out) (i32.shl (i32.mul (local.get $q) (local.get $rows)) (i32.const 5))))
            (local.set $i (i32.const 0))
            (block $rdone
              (loop $rowBlocks
                (br_if $rdone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $rows)))
                (call $tile4
                  (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $lda)) (local.get $k0)) (i32.const 3)))
                  (local.get $stride) (local.get $kc) (local.get $bq)
                  (i32.add (local.get $oq) (i32.shl (local.get $i) (i32.const 5))))
                (local.set $i (i32.add (local.get $i) (i32.const 4)))
                (br $rowBlocks)))
            (block $tdone
              (loop $tail
                (br_if $tdone (i32.ge_u (local.get $i) (local.get $rows)))
                (call $tile1
                  (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $lda)) (local.get $k0)) (i32.const 3)))
                  (local.get $kc) (local.get $bq)
                  (i32.add (local.get $oq) (i32.shl (local.get $i) (i32.const 5))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $tail)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $panels)))
        (local.set $k0 (i32.add (local.get $k0) (i32.const 256)))
        (br $kchunks))))

  ;; out[4, 4] += a[4, kc] (rows stride bytes apart) x b[kc, 4] (a panel chunk)
  (func $tile4 (param $a0 i32) (param $stride i32) (param $kc i32) (param $b i32) (param $out i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $end i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $v0 v128) (local $v1 v128) (local $s v128)
    (local.set $a1 (i32.add (local.get $a0) (local.get $stride)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $stride)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $stride)))
    (local.set $c00 (v128.load offset=0 (local.get $out)))
    (local.set $c01 (v128.load offset=16 (local.get $out)))
    (local.set $c10 (v128.load offset=32 (local.get $out)))
    (local.set $c11 (v128.load offset=48 (local.get $out)))
    (local.set $c20 (v128.load offset=64 (local.get $out)))
    (local.set $c21 (v128.load offset=80 (local.get $out)))
    (local.set $c30 (v128.load offset=96 (local.get $out)))
    (local.set $c31 (v128.load offset=112 (local.get $out)))
    (local.set $end (i32.add (local.get $b) (i32.shl (local.get $kc) (i32.const 5))))
    (block $done
      (loop $ks
        (br_if $done (i32.ge_u (local.get $b) (local.get $end)))
        (local.set $v0 (v128.load offset=0 (local.get $b)))
        (local.set $v1 (v128.load offset=16 (local.get $b)))
        (local.set $s (v128.load64_splat (local.get $a0)))
        (local.set $c00 (f64x2.madd (local.get $s) (local.get $v0) (local.get $c00)))
        (local.set $c01 (f64x2.madd (local.get $s) (local.get $v1) (local.get $c01)))
        (local.set $s (v128.load64_splat (local.get $a1)))
        (local.set $c10 (f64x2.madd (local.get $s) (local.get $v0) (local.get $c10)))
        (local.set $c11 (f64x2.madd (local.get $s) (local.get $v1) (local.get $c11)))
        (local.set $s (v128.load64_splat (local.get $a2)))
        (local.set $c20 (f64x2.madd (local.get $s) (local.get $v0) (local.get $c20)))
        (local.set $c21 (f64x2.madd (local.get $s) (local.get $v1) (local.get $c21)))
        (local.set $s (v128.load64_splat (local.get $a3)))
        (local.set $c30 (f64x2.madd (local.get $s) (local.get $v0) (local.get $c30)))
        (local.set $c31 (f64x2.madd (local.get $s) (local.get $v1) (local.get $c31)))
        (local.set $a0 (i32.add (local.get $a0) (i32.const 8)))
        (local.set $a1 (i32.add (local.get $a1) (i32.const 8)))
        (local.set $a2 (i32.add (local.get $a2) (i32.const 8)))
        (local.set $a3 (i32.add (local.get $a3) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br $ks)))
    (v128.store offset=0 (local.get $out) (local.get $c00))
    (v128.store offset=16 (local.get $out) (local.get $c01))
    (v128.store offset=32 (local.get $out) (local.get $c10))
    (v128.store offset=48 (local.get $out) (local.get $c11))
    (v128.store offset=64 (local.get $out) (local.get $c20))
    (v128.store offset=80 (local.get $out) (local.get $c21))
    (v128.store offset=96 (local.get $out) (local.get $c30))
    (v128.store offset=112 (local.get $out) (local.get $c31)))

  ;; out[1, 4] += a[1, kc] x b[kc, 4]
  (func $tile1 (param $a i32) (param $kc i32) (param $b i32) (param $out i32)
    (local $end i32) (local $c0 v128) (local $c1 v128) (local $s v128)
    (local.set $c0 (v128.load offset=0 (local.get $out)))
    (local.set $c1 (v128.load offset=16 (local.get $out)))
    (local.set $end (i32.add (local.get $b) (i32.shl (local.get $kc) (i32.const 5))))
    (block $done
      (loop $ks
        (br_if $done (i32.ge_u (local.get $b) (local.get $end)))
        (local.set $s (v128.load64_splat (local.get $a)))
        (local.set $c0 (f64x2.madd (local.get $s) (v128.load offset=0 (local.get $b)) (local.get $c0)))
        (local.set $c1 (f64x2.madd (local.get $s) (v128.load offset=16 (local.get $b)) (local.get $c1)))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br $ks)))
    (v128.store offset=0 (local.get $out) (local.get $c0))
    (v128.store offset=16 (local.get $out) (local.get $c1)))

  ;; ---- vectors ----

  ;; sum x[0..len) y[0..len)
  (func $dot (param $x i32) (param $y i32) (param $len i32) (result f64)
    (local $end i32) (local $s0 v128) (local $s1 v128) (local $s f64)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 3))))
    (block $done
      (loop $fours
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $s0 (f64x2.madd (v128.load offset=0 (local.get $x)) (v128.load offset=0 (local.get $y)) (local.get $s0)))
        (local.set $s1 (f64x2.madd (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $y)) (local.get $s1)))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $fours)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $len) (i32.const 3)) (i32.const 3))))
    (block $tdone
      (loop $tail
        (br_if $tdone (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $x)) (f64.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (br $tail)))
    (local.get $s))

  ;; y[0..len) += f x[0..len)
  (func $axpy (param $y i32) (param $x i32) (param $len i32) (param $f f64)
    (local $end i32) (local $fv v128)
    (local.set $fv (f64x2.splat (local.get $f)))
    (local.set $end (i32.add (local.get $y) (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 3))))
    (block $done
      (loop $fours
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (v128.store offset=0 (local.get $y)
          (f64x2.madd (local.get $fv) (v128.load offset=0 (local.get $x)) (v128.load offset=0 (local.get $y))))
        (v128.store offset=16 (local.get $y)
          (f64x2.madd (local.get $fv) (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $y))))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $fours)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $len) (i32.const 3)) (i32.const 3))))
    (block $tdone
      (loop $tail
        (br_if $tdone (i32.ge_u (local.get $y) (local.get $end)))
        (f64.store (local.get $y) (f64.add (f64.load (local.get $y)) (f64.mul (local.get $f) (f64.load (local.get $x)))))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (br $tail))))

  ;; ---- Cholesky and what it solves ----

  (func $cholesky (export "cholesky") (param $a i32) (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $ri i32) (local $rj i32) (local $row i32) (local $s f64)
    (local.set $row (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $ri (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $row))))
        (local.set $rj (local.get $a))
        (local.set $j (i32.const 0))
        ;; l_ij = (a_ij - l_i[0..j) . l_j[0..j)) / l_jj
        (block $jdone
          (loop $cols
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $i)))
            (f64.store (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3)))
              (f64.div
                (f64.sub (f64.load (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3))))
                  (call $dot (local.get $ri) (local.get $rj) (local.get $j)))
                (f64.load (i32.add (local.get $rj) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $rj (i32.add (local.get $rj) (local.get $row)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $s (f64.sub (f64.load (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3))))
          (call $dot (local.get $ri) (local.get $ri) (local.get $i))))
        ;; not positive, NaN or infinite: not positive definite
        (if (i32.eqz (i32.and (f64.gt (local.get $s) (f64.const 0)) (f64.lt (local.get $s) (f64.const inf))))
          (then (return (i32.add (local.get $i) (i32.const 1)))))
        (f64.store (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3))) (f64.sqrt (local.get $s)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    (i32.const 0))

  ;; x [n, m] := (L L^T)^-1 x: L y = x, then L^T x = y, row by row on x's rows
  (func $choleskySolve (export "cholesky_solve") (param $l i32) (param $n i32) (param $x i32) (param $m i32)
    (local $i i32) (local $k i32) (local $ri i32) (local $xi i32) (local $row i32) (local $xrow i32)
    (local.set $row (i32.shl (local.get $n) (i32.const 3)))
    (local.set $xrow (i32.shl (local.get $m) (i32.const 3)))
    (block $fdone
      (loop $forward
        (br_if $fdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $ri (i32.add (local.get $l) (i32.mul (local.get $i) (local.get $row))))
        (local.set $xi (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $xrow))))
        (local.set $k (i32.const 0))
        (block $kdone
          (loop $ks
            (br_if $kdone (i32.ge_u (local.get $k) (local.get $i)))
            (call $axpy (local.get $xi) (i32.add (local.get $x) (i32.mul (local.get $k) (local.get $xrow))) (local.get $m)
              (f64.neg (f64.load (i32.add (local.get $ri) (i32.shl (local.get $k) (i32.const 3))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $ks)))
        (call $scale (local.get $xi) (local.get $m)
          (f64.div (f64.const 1) (f64.load (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $forward)))
    (block $bdone
      (loop $backward
        (br_if $bdone (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        ;; x_i = (y_i - sum_{k > i} l_ki x_k) / l_ii
        (local.set $xi (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $xrow))))
        (local.set $k (i32.add (local.get $i) (i32.const 1)))
        (block $kdone
          (loop $ks
            (br_if $kdone (i32.ge_u (local.get $k) (local.get $n)))
            (call $axpy (local.get $xi) (i32.add (local.get $x) (i32.mul (local.get $k) (local.get $xrow))) (local.get $m)
              (f64.neg (f64.load (i32.add (local.get $l)
                (i32.add (i32.mul (local.get $k) (local.get $row)) (i32.shl (local.get $i) (i32.const 3)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $ks)))
        (call $scale (local.get $xi) (local.get $m)
          (f64.div (f64.const 1) (f64.load (i32.add (local.get $l)
            (i32.add (i32.mul (local.get $i) (local.get $row)) (i32.shl (local.get $i) (i32.const 3)))))))
        (br $backward))))

  ;; x[0..len) *= f
  (func $scale (param $x i32) (param $len i32) (param $f f64)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $len) (i32.const 3))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (f64.store (local.get $x) (f64.mul (f64.load (local.get $x)) (local.get $f)))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (br $each))))

  (func (export "spd_solve") (param $a i32) (param $n i32) (param $x i32) (param $m i32) (param $count i32) (param $status i32)
    (local $s i32) (local $st i32)
    (block $done
      (loop $systems
        (br_if $done (i32.ge_u (local.get $s) (local.get $count)))
        (local.set $st (call $cholesky (local.get $a) (local.get $n)))
        (i32.store (local.get $status) (local.get $st))
        (if (i32.eqz (local.get $st)) (then (call $choleskySolve (local.get $a) (local.get $n) (local.get $x) (local.get $m))))
        (local.set $a (i32.add (local.get $a) (i32.shl (i32.mul (local.get $n) (local.get $n)) (i32.const 3))))
        (local.set $x (i32.add (local.get $x) (i32.shl (i32.mul (local.get $n) (local.get $m)) (i32.const 3))))
        (local.set $status (i32.add (local.get $status) (i32.const 4)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $systems))))

  ;; L^-1 in place of a lower-triangular L [n, n] (row i of the inverse from rows 0..i-1 of it:
  ;; p_i = (e_i - sum_{m < i} l_im p_m) / l_ii); tmp: n f64
  (func $lowerInverse (param $l i32) (param $n i32) (param $tmp i32)
    (local $i i32) (local $m i32) (local $ri i32) (local $row i32) (local $inv f64)
    (local.set $row (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $ri (i32.add (local.get $l) (i32.mul (local.get $i) (local.get $row))))
        (memory.copy (local.get $tmp) (local.get $ri) (i32.shl (local.get $i) (i32.const 3)))
        (memory.fill (local.get $ri) (i32.const 0) (i32.shl (local.get $i) (i32.const 3)))
        (local.set $inv (f64.div (f64.const 1) (f64.load (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $m (i32.const 0))
        (block $mdone
          (loop $ms
            (br_if $mdone (i32.ge_u (local.get $m) (local.get $i)))
            (call $axpy (local.get $ri) (i32.add (local.get $l) (i32.mul (local.get $m) (local.get $row)))
              (i32.add (local.get $m) (i32.const 1))
              (f64.neg (f64.load (i32.add (local.get $tmp) (i32.shl (local.get $m) (i32.const 3))))))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $ms)))
        (call $scale (local.get $ri) (local.get $i) (local.get $inv))
        (f64.store (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3))) (local.get $inv))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; out's lower triangle := P^T P for a lower-triangular P [n, n]: out_i[0..i] += p_mi p_m[0..i] over m >= i
  (func $lowerGram (param $p i32) (param $n i32) (param $out i32)
    (local $i i32) (local $m i32) (local $rm i32) (local $row i32)
    (local.set $row (i32.shl (local.get $n) (i32.const 3)))
    (memory.fill (local.get $out) (i32.const 0) (i32.mul (local.get $n) (local.get $row)))
    (block $done
      (loop $ms
        (br_if $done (i32.ge_u (local.get $m) (local.get $n)))
        (local.set $rm (i32.add (local.get $p) (i32.mul (local.get $m) (local.get $row))))
        (local.set $i (i32.const 0))
        (block $idone
          (loop $is
            (br_if $idone (i32.gt_u (local.get $i) (local.get $m)))
            (call $axpy (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $row))) (local.get $rm)
              (i32.add (local.get $i) (i32.const 1))
              (f64.load (i32.add (local.get $rm) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $is)))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $ms))))

  ;; the byte address of element e of member u in panels [h, cols]
  (func $panelAt (param $panels i32) (param $h i32) (param $u i32) (param $e i32) (result i32)
    (i32.add (local.get $panels)
      (i32.shl
        (i32.add (i32.shl (i32.add (i32.mul (i32.shr_u (local.get $e) (i32.const 2)) (local.get $h)) (local.get $u)) (i32.const 2))
          (i32.and (local.get $e) (i32.const 3)))
        (i32.const 3))))

  (func (export "posteriors")
    (param $aP i32) (param $bP i32) (param $h i32) (param $n i32) (param $u0 i32) (param $u1 i32)
    (param $wP i32) (param $mP i32) (param $work i32) (param $status i32)
    (local $u i32) (local $i i32) (local $j i32) (local $p i32) (local $row i32) (local $full i32) (local $x i32) (local $gram i32)
    (local $st i32) (local $at i32) (local $wi f64)
    (local.set $row (i32.shl (local.get $n) (i32.const 3)))
    (local.set $full (local.get $work))
    (local.set $gram (i32.add (local.get $full) (i32.mul (local.get $n) (local.get $row))))
    (local.set $x (i32.add (local.get $gram) (i32.mul (local.get $n) (local.get $row))))
    (local.set $u (local.get $u0))
    (block $done
      (loop $members
        (br_if $done (i32.ge_u (local.get $u) (local.get $u1)))
        ;; A's lower triangle (a_ji from the packed a_ij, i <= j), I added, and b
        (local.set $p (i32.const 0))
        (local.set $i (i32.const 0))
        (block $idone
          (loop $is
            (br_if $idone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $j (local.get $i))
            (block $jdone
              (loop $js
                (br_if $jdone (i32.ge_u (local.get $j) (local.get $n)))
                (f64.store (i32.add (local.get $full) (i32.add (i32.mul (local.get $j) (local.get $row)) (i32.shl (local.get $i) (i32.const 3))))
                  (f64.add (f64.load (call $panelAt (local.get $aP) (local.get $h) (local.get $u) (local.get $p)))
                    (f64.convert_i32_u (i32.eq (local.get $i) (local.get $j)))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $js)))
            (f64.store (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))
              (f64.load (call $panelAt (local.get $bP) (local.get $h) (local.get $u) (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $is)))
        (local.set $st (call $cholesky (local.get $full) (local.get $n)))
        (i32.store (i32.add (local.get $status) (i32.shl (local.get $u) (i32.const 2))) (local.get $st))
        (if (i32.eqz (local.get $st))
          (then
            (call $choleskySolve (local.get $full) (local.get $n) (local.get $x) (i32.const 1))
            (local.set $i (i32.const 0))
            (block $wdone
              (loop $ws
                (br_if $wdone (i32.ge_u (local.get $i) (local.get $n)))
                (f64.store (call $panelAt (local.get $wP) (local.get $h) (local.get $u) (local.get $i))
                  (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $ws)))
            (if (local.get $mP)
              (then
                ;; A^-1 = L^-T L^-1, plus w w^T, packed
                (call $lowerInverse (local.get $full) (local.get $n) (local.get $gram))
                (call $lowerGram (local.get $full) (local.get $n) (local.get $gram))
                (local.set $p (i32.const 0))
                (local.set $i (i32.const 0))
                (block $pdone
                  (loop $pis
                    (br_if $pdone (i32.ge_u (local.get $i) (local.get $n)))
                    (local.set $wi (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
                    ;; column i of the lower triangle: (A^-1)_ji, j >= i
                    (local.set $at (i32.add (local.get $gram) (i32.shl (local.get $i) (i32.const 3))))
                    (local.set $j (local.get $i))
                    (block $pjdone
                      (loop $pjs
                        (br_if $pjdone (i32.ge_u (local.get $j) (local.get $n)))
                        (f64.store (call $panelAt (local.get $mP) (local.get $h) (local.get $u) (local.get $p))
                          (f64.add (f64.load (i32.add (local.get $at) (i32.mul (local.get $j) (local.get $row))))
                            (f64.mul (local.get $wi) (f64.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3)))))))
                        (local.set $p (i32.add (local.get $p) (i32.const 1)))
                        (local.set $j (i32.add (local.get $j) (i32.const 1)))
                        (br $pjs)))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $pis)))))))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $members))))
)
