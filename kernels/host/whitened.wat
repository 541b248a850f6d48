;; The host e-step kernels of full and tied covariances, functions spliced into eStep.wat's
;; module by scripts/build-wasm.mjs (they use its $responsibilities, $rowLogLikelihoods,
;; $logLikelihoods and $statistics). Gaussians are whitened: with P the inverse Cholesky factor
;; of a covariance (lower triangular), stored transposed as pt = P^T [dp, dp] (zero-padded),
;;   log(w_k N(y | k)) = c_k - 0.5 ||z||^2,  full: z = P_k (y - nu_k);  tied: z = P y - q_k.
;; dp is the feature count padded to a multiple of 8; y [rows, d] as in eStep.wat.
;;
;;   festep(y, rows, d, dp, kp, nu, pt, c, scratch, out, w), nu [kp, dp], pt [kp, dp, dp], adds to out
;;     [ sum_i r_ik [kp] | sum_i r_ik z_ik [kp, dp] | sum_i r_ik z_ik z_ik^T [kp, dp, dp] ] f32
;;     (the upper triangle of each matrix: the caller mirrors it), then sum_i log p(y_i) f64;
;;   floglik(y, rows, d, dp, kp, nu, pt, c, scratch, out) writes log p(y_i) [rows] f32;
;;   testep(y, rows, d, dp, kp, q, pt, c, scratch, out, w), q [dp, kp] (whitened centres,
;;     feature-major) followed in memory by h [dp, kp] (1/2, 0 in padded features), adds to out
;;     [ sum_i r_ik t_ik [dp, kp] | (unused) [dp, kp] | sum_i r_ik [kp] | sum_ik r_ik t_ik t_ik^T [dp, dp] ]
;;     with t_ik = P y_i - q_k (upper triangle), then sum_i log p f64;
;;   tloglik(y, rows, d, dp, kp, q, pt, c, scratch, out) writes log p(y_i) [rows] f32.
;;
;; Work memory after scratch (scratchBytes(kp) bytes): full, a [FULL_ROWS, dp] row buffer and
;; each Gaussian's whitened rows Z [kp, FULL_ROWS, dp]; tied, the whitened block [TIED_ZROWS, dp],
;; a [BLOCK_ROWS, dp] row buffer, a centre [dp] and differences [BLOCK_ROWS, dp] (workBytes in layout.ts).

  (func (export "festep")
    (param $y i32) (param $rows i32) (param $d i32) (param $dp i32) (param $kp i32)
    (param $nu i32) (param $pt i32) (param $c i32) (param $scratch i32) (param $out i32) (param $w i32)
    (local $r0 i32) (local $nb i32) (local $yBlock i32) (local $zs i32) (local $ll f64)
    (local.set $zs (i32.add (call $workOf (local.get $scratch) (local.get $kp))
      (i32.mul (i32.const {{FULL_ROWS}}) (i32.shl (local.get $dp) (i32.const 2)))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_s (local.get $r0) (local.get $rows)))
        (local.set $nb (call $rowsLeft (local.get $rows) (local.get $r0) (i32.const {{FULL_ROWS}})))
        (local.set $yBlock (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r0) (local.get $d)) (i32.const 2))))
        (call $fullLogLikelihoods (local.get $yBlock) (local.get $nb) (local.get $d) (local.get $dp) (local.get $kp)
          (local.get $nu) (local.get $pt) (local.get $c) (local.get $scratch) (local.get $zs))
        (local.set $ll (f64.add (local.get $ll)
          (call $responsibilities (local.get $nb) (local.get $kp) (local.get $scratch) (local.get $out)
            (select (i32.add (local.get $w) (i32.shl (local.get $r0) (i32.const 2))) (i32.const 0) (local.get $w)))))
        (call $fullStatistics (local.get $nb) (local.get $dp) (local.get $kp) (local.get $scratch) (local.get $zs) (local.get $out))
        (local.set $r0 (i32.add (local.get $r0) (i32.const {{FULL_ROWS}})))
        (br $blocks)))
    ;; sum log p after n [kp], f [kp, dp] and S [kp, dp, dp]
    (f64.store
      (i32.add (local.get $out) (i32.shl (i32.mul (local.get $kp) (i32.add (i32.const 1)
        (i32.mul (local.get $dp) (i32.add (local.get $dp) (i32.const 1))))) (i32.const 2)))
      (local.get $ll)))

  (func (export "floglik")
    (param $y i32) (param $rows i32) (param $d i32) (param $dp i32) (param $kp i32)
    (param $nu i32) (param $pt i32) (param $c i32) (param $scratch i32) (param $out i32)
    (local $r0 i32) (local $nb i32) (local $zs i32)
    (local.set $zs (i32.add (call $workOf (local.get $scratch) (local.get $kp))
      (i32.mul (i32.const {{FULL_ROWS}}) (i32.shl (local.get $dp) (i32.const 2)))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_s (local.get $r0) (local.get $rows)))
        (local.set $nb (call $rowsLeft (local.get $rows) (local.get $r0) (i32.const {{FULL_ROWS}})))
        (call $fullLogLikelihoods
          (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r0) (local.get $d)) (i32.const 2)))
          (local.get $nb) (local.get $d) (local.get $dp) (local.get $kp)
          (local.get $nu) (local.get $pt) (local.get $c) (local.get $scratch) (local.get $zs))
        (call $rowLogLikelihoods (local.get $nb) (local.get $kp) (local.get $scratch)
          (i32.add (local.get $out) (i32.shl (local.get $r0) (i32.const 2))))
        (local.set $r0 (i32.add (local.get $r0) (i32.const {{FULL_ROWS}})))
        (br $blocks))))

  (func (export "testep")
    (param $y i32) (param $rows i32) (param $d i32) (param $dp i32) (param $kp i32)
    (param $q i32) (param $pt i32) (param $c i32) (param $scratch i32) (param $out i32) (param $w i32)
    (local $r0 i32) (local $nb i32) (local $zb i32) (local $buf i32) (local $h i32) (local $sumR i32) (local $s i32) (local $ll f64)
    (local.set $zb (call $workOf (local.get $scratch) (local.get $kp)))
    (local.set $buf (i32.add (local.get $zb) (i32.mul (i32.const {{TIED_ZROWS}}) (i32.shl (local.get $dp) (i32.const 2)))))
    (local.set $h (i32.add (local.get $q) (i32.shl (i32.mul (local.get $dp) (local.get $kp)) (i32.const 2))))
    (local.set $sumR (i32.add (local.get $out) (i32.shl (i32.mul (local.get $dp) (local.get $kp)) (i32.const 3))))
    (local.set $s (i32.add (local.get $sumR) (i32.shl (local.get $kp) (i32.const 2))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_s (local.get $r0) (local.get $rows)))
        (local.set $nb (call $rowsLeft (local.get $rows) (local.get $r0) (i32.const {{BLOCK_ROWS}})))
        ;; z = P y for the block's rows, rounded up to a multiple of 4 (y is read up to 3 rows past its end)
        (call $gemmLower (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r0) (local.get $d)) (i32.const 2)))
          (local.get $d) (i32.and (i32.add (local.get $nb) (i32.const 3)) (i32.const -4))
          (local.get $d) (local.get $dp) (local.get $pt) (local.get $zb))
        (call $logLikelihoods (local.get $zb) (local.get $nb) (local.get $dp) (local.get $kp)
          (local.get $q) (local.get $h) (local.get $c) (local.get $scratch))
        (local.set $ll (f64.add (local.get $ll)
          (call $responsibilities (local.get $nb) (local.get $kp) (local.get $scratch) (local.get $sumR)
            (select (i32.add (local.get $w) (i32.shl (local.get $r0) (i32.const 2))) (i32.const 0) (local.get $w)))))
        (call $statistics (local.get $zb) (local.get $nb) (local.get $dp) (local.get $kp) (local.get $q) (local.get $scratch) (local.get $out))
        (call $pooledStatistics (local.get $nb) (local.get $dp) (local.get $kp) (local.get $q) (local.get $scratch)
          (local.get $zb) (local.get $buf) (local.get $s))
        (local.set $r0 (i32.add (local.get $r0) (i32.const {{BLOCK_ROWS}})))
        (br $blocks)))
    (f64.store (i32.add (local.get $s) (i32.shl (i32.mul (local.get $dp) (local.get $dp)) (i32.const 2))) (local.get $ll)))

  (func (export "tloglik")
    (param $y i32) (param $rows i32) (param $d i32) (param $dp i32) (param $kp i32)
    (param $q i32) (param $pt i32) (param $c i32) (param $scratch i32) (param $out i32)
    (local $r0 i32) (local $nb i32) (local $zb i32)
    (local.set $zb (call $workOf (local.get $scratch) (local.get $kp)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_s (local.get $r0) (local.get $rows)))
        (local.set $nb (call $rowsLeft (local.get $rows) (local.get $r0) (i32.const {{BLOCK_ROWS}})))
        (call $gemmLower (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r0) (local.get $d)) (i32.const 2)))
          (local.get $d) (i32.and (i32.add (local.get $nb) (i32.const 3)) (i32.const -4))
          (local.get $d) (local.get $dp) (local.get $pt) (local.get $zb))
        (call $logLikelihoods (local.get $zb) (local.get $nb) (local.get $dp) (local.get $kp)
          (local.get $q) (i32.add (local.get $q) (i32.shl (i32.mul (local.get $dp) (local.get $kp)) (i32.const 2)))
          (local.get $c) (local.get $scratch))
        (call $rowLogLikelihoods (local.get $nb) (local.get $kp) (local.get $scratch)
          (i32.add (local.get $out) (i32.shl (local.get $r0) (i32.const 2))))
        (local.set $r0 (i32.add (local.get $r0) (i32.const {{BLOCK_ROWS}})))
        (br $blocks))))

  ;; min(size, rows - r0)
  (func $rowsLeft (param $rows i32) (param $r0 i32) (param $size i32) (result i32)
    (select (local.get $size) (i32.sub (local.get $rows) (local.get $r0))
      (i32.gt_s (i32.sub (local.get $rows) (local.get $r0)) (local.get $size))))

  ;; The work memory after a thread's scratch (see scratchBytes in layout.ts).
  (func $workOf (param $scratch i32) (param $kp i32) (result i32)
    (i32.add (local.get $scratch)
      (i32.add
        (i32.mul (i32.const {{BLOCK_ROWS}}) (i32.add (i32.shl (local.get $kp) (i32.const 2)) (i32.const {{SCRATCH_ROW_PAD}})))
        (i32.mul (i32.const {{BLOCK_ROWS}}) (i32.const 24)))))

  ;; z [rows, dp] = a [rows, m (stride aStride floats)] x pt [dp, dp] where pt = P^T is upper
  ;; triangular: z_ij = sum_{m <= j} a_im P_jm, the columns of a past `count` taken as 0.
  ;; Tiles of 4 rows x 8 columns, eight accumulators; rows a multiple of 4.
  (func $gemmLower
    (param $a i32) (param $aStride i32) (param $rows i32) (param $count i32) (param $dp i32) (param $pt i32) (param $z i32)
    (local $i i32) (local $jb i32) (local $m i32) (local $mEnd i32) (local $pa i32) (local $pp i32) (local $pz i32)
    (local $sa i32) (local $sz i32) (local $ptRow i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $p0 v128) (local $p1 v128) (local $s v128)
    (local.set $sa (i32.shl (local.get $aStride) (i32.const 2)))
    (local.set $sz (i32.shl (local.get $dp) (i32.const 2)))
    (local.set $ptRow (local.get $sz))
    (block $rowsDone
      (loop $rowQuads
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $rows)))
        (local.set $jb (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_s (local.get $jb) (local.get $dp)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (local.set $a4 (v128.const i32x4 0 0 0 0))
            (local.set $a5 (v128.const i32x4 0 0 0 0))
            (local.set $a6 (v128.const i32x4 0 0 0 0))
            (local.set $a7 (v128.const i32x4 0 0 0 0))
            ;; P_jm = 0 for m > j: the tile's columns need m < jb + 8 only
            (local.set $mEnd (select (local.get $count) (i32.add (local.get $jb) (i32.const 8))
              (i32.lt_s (local.get $count) (i32.add (local.get $jb) (i32.const 8)))))
            (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sa))))
            (local.set $pp (i32.add (local.get $pt) (i32.shl (local.get $jb) (i32.const 2))))
            (local.set $m (i32.const 0))
            (block $mDone
              (loop $ms
                (br_if $mDone (i32.ge_s (local.get $m) (local.get $mEnd)))
                (local.set $p0 (v128.load (local.get $pp)))
                (local.set $p1 (v128.load offset=16 (local.get $pp)))
                (local.set $s (v128.load32_splat (local.get $pa)))
                (local.set $a0 (f32x4.madd (local.get $s) (local.get $p0) (local.get $a0)))
                (local.set $a1 (f32x4.madd (local.get $s) (local.get $p1) (local.get $a1)))
                (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $sa))))
                (local.set $a2 (f32x4.madd (local.get $s) (local.get $p0) (local.get $a2)))
                (local.set $a3 (f32x4.madd (local.get $s) (local.get $p1) (local.get $a3)))
                (local.set $s (v128.load32_splat (i32.add (local.get $pa) (i32.shl (local.get $sa) (i32.const 1)))))
                (local.set $a4 (f32x4.madd (local.get $s) (local.get $p0) (local.get $a4)))
                (local.set $a5 (f32x4.madd (local.get $s) (local.get $p1) (local.get $a5)))
                (local.set $s (v128.load32_splat (i32.add (local.get $pa) (i32.mul (local.get $sa) (i32.const 3)))))
                (local.set $a6 (f32x4.madd (local.get $s) (local.get $p0) (local.get $a6)))
                (local.set $a7 (f32x4.madd (local.get $s) (local.get $p1) (local.get $a7)))
                (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
                (local.set $pp (i32.add (local.get $pp) (local.get $ptRow)))
                (local.set $m (i32.add (local.get $m) (i32.const 1)))
                (br $ms)))
            (local.set $pz (i32.add (local.get $z) (i32.add (i32.mul (local.get $i) (local.get $sz)) (i32.shl (local.get $jb) (i32.const 2)))))
            (v128.store (local.get $pz) (local.get $a0))
            (v128.store offset=16 (local.get $pz) (local.get $a1))
            (local.set $pz (i32.add (local.get $pz) (local.get $sz)))
            (v128.store (local.get $pz) (local.get $a2))
            (v128.store offset=16 (local.get $pz) (local.get $a3))
            (local.set $pz (i32.add (local.get $pz) (local.get $sz)))
            (v128.store (local.get $pz) (local.get $a4))
            (v128.store offset=16 (local.get $pz) (local.get $a5))
            (local.set $pz (i32.add (local.get $pz) (local.get $sz)))
            (v128.store (local.get $pz) (local.get $a6))
            (v128.store offset=16 (local.get $pz) (local.get $a7))
            (local.set $jb (i32.add (local.get $jb) (i32.const 8)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rowQuads))))

  ;; s [dp, dp] += u^T v over `rows` rows of u, v [rows, dp]: the tiles of 4 rows x 8 columns
  ;; of s that reach its upper triangle (column block end > row block start), eight accumulators.
  (func $gemmUpper (param $u i32) (param $v i32) (param $rows i32) (param $dp i32) (param $s i32)
    (local $jb i32) (local $lb i32) (local $i i32) (local $pu i32) (local $pv i32) (local $ps i32) (local $sd i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $v0 v128) (local $v1 v128) (local $x v128)
    (local.set $sd (i32.shl (local.get $dp) (i32.const 2)))
    (block $rowsDone
      (loop $rowBlocks
        (br_if $rowsDone (i32.ge_s (local.get $jb) (local.get $dp)))
        (local.set $lb (i32.and (local.get $jb) (i32.const -8)))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_s (local.get $lb) (local.get $dp)))
            (local.set $ps (i32.add (local.get $s) (i32.add (i32.mul (local.get $jb) (local.get $sd)) (i32.shl (local.get $lb) (i32.const 2)))))
            (local.set $a0 (v128.load (local.get $ps)))
            (local.set $a1 (v128.load offset=16 (local.get $ps)))
            (local.set $a2 (v128.load (i32.add (local.get $ps) (local.get $sd))))
            (local.set $a3 (v128.load offset=16 (i32.add (local.get $ps) (local.get $sd))))
            (local.set $a4 (v128.load (i32.add (local.get $ps) (i32.shl (local.get $sd) (i32.const 1)))))
            (local.set $a5 (v128.load offset=16 (i32.add (local.get $ps) (i32.shl (local.get $sd) (i32.const 1)))))
            (local.set $a6 (v128.load (i32.add (local.get $ps) (i32.mul (local.get $sd) (i32.const 3)))))
            (local.set $a7 (v128.load offset=16 (i32.add (local.get $ps) (i32.mul (local.get $sd) (i32.const 3)))))
            (local.set $pu (i32.add (local.get $u) (i32.shl (local.get $jb) (i32.const 2))))
            (local.set $pv (i32.add (local.get $v) (i32.shl (local.get $lb) (i32.const 2))))
            (local.set $i (i32.const 0))
            (block $iDone
              (loop $is
                (br_if $iDone (i32.ge_s (local.get $i) (local.get $rows)))
                (local.set $v0 (v128.load (local.get $pv)))
                (local.set $v1 (v128.load offset=16 (local.get $pv)))
                (local.set $x (v128.load32_splat (local.get $pu)))
                (local.set $a0 (f32x4.madd (local.get $x) (local.get $v0) (local.get $a0)))
                (local.set $a1 (f32x4.madd (local.get $x) (local.get $v1) (local.get $a1)))
                (local.set $x (v128.load32_splat offset=4 (local.get $pu)))
                (local.set $a2 (f32x4.madd (local.get $x) (local.get $v0) (local.get $a2)))
                (local.set $a3 (f32x4.madd (local.get $x) (local.get $v1) (local.get $a3)))
                (local.set $x (v128.load32_splat offset=8 (local.get $pu)))
                (local.set $a4 (f32x4.madd (local.get $x) (local.get $v0) (local.get $a4)))
                (local.set $a5 (f32x4.madd (local.get $x) (local.get $v1) (local.get $a5)))
                (local.set $x (v128.load32_splat offset=12 (local.get $pu)))
                (local.set $a6 (f32x4.madd (local.get $x) (local.get $v0) (local.get $a6)))
                (local.set $a7 (f32x4.madd (local.get $x) (local.get $v1) (local.get $a7)))
                (local.set $pu (i32.add (local.get $pu) (local.get $sd)))
                (local.set $pv (i32.add (local.get $pv) (local.get $sd)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $is)))
            (v128.store (local.get $ps) (local.get $a0))
            (v128.store offset=16 (local.get $ps) (local.get $a1))
            (v128.store (i32.add (local.get $ps) (local.get $sd)) (local.get $a2))
            (v128.store offset=16 (i32.add (local.get $ps) (local.get $sd)) (local.get $a3))
            (v128.store (i32.add (local.get $ps) (i32.shl (local.get $sd) (i32.const 1))) (local.get $a4))
            (v128.store offset=16 (i32.add (local.get $ps) (i32.shl (local.get $sd) (i32.const 1))) (local.get $a5))
            (v128.store (i32.add (local.get $ps) (i32.mul (local.get $sd) (i32.const 3))) (local.get $a6))
            (v128.store offset=16 (i32.add (local.get $ps) (i32.mul (local.get $sd) (i32.const 3))) (local.get $a7))
            (local.set $lb (i32.add (local.get $lb) (i32.const 8)))
            (br $cols)))
        (local.set $jb (i32.add (local.get $jb) (i32.const 4)))
        (br $rowBlocks))))

  ;; Sum of the lanes of a v128 of f32.
  (func $lanes (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; For each Gaussian k (c_k = -Inf: a padding column, left at -Inf): its whitened rows
  ;; Z_k = (y - nu_k) P_k^T into zs [kp, FULL_ROWS, dp], and scratch[b][k] = c_k - 0.5 ||Z_k[b]||^2;
  ;; then each row's maximum into the four lanes scratch's row maxima hold (see eStep.wat).
  (func $fullLogLikelihoods
    (param $yBlock i32) (param $nb i32) (param $d i32) (param $dp i32) (param $kp i32)
    (param $nu i32) (param $pt i32) (param $c i32) (param $scratch i32) (param $zs i32)
    (local $k i32) (local $b i32) (local $j i32) (local $buf i32) (local $pitch i32) (local $zk i32) (local $ck f32)
    (local $pb i32) (local $py i32) (local $pn i32) (local $pz i32) (local $acc v128) (local $t v128) (local $max f32)
    (local $sd i32) (local $rows4 i32) (local $maxima i32) (local $pl i32)
    (local.set $sd (i32.shl (local.get $dp) (i32.const 2)))
    (local.set $buf (call $workOf (local.get $scratch) (local.get $kp)))
    (local.set $pitch (i32.add (i32.shl (local.get $kp) (i32.const 2)) (i32.const {{SCRATCH_ROW_PAD}})))
    (local.set $rows4 (i32.and (i32.add (local.get $nb) (i32.const 3)) (i32.const -4)))
    ;; the buffer's rows from nb to rows4 stay 0
    (memory.fill (local.get $buf) (i32.const 0) (i32.mul (i32.const {{FULL_ROWS}}) (local.get $sd)))
    (block $gaussiansDone
      (loop $gaussians
        (br_if $gaussiansDone (i32.ge_s (local.get $k) (local.get $kp)))
        (local.set $ck (f32.load (i32.add (local.get $c) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $pl (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 2))))
        (if (f32.eq (local.get $ck) (f32.const -inf))
          (then
            (local.set $b (i32.const 0))
            (block $padDone
              (loop $pad
                (br_if $padDone (i32.ge_s (local.get $b) (local.get $nb)))
                (f32.store (local.get $pl) (f32.const -inf))
                (local.set $pl (i32.add (local.get $pl) (local.get $pitch)))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $pad))))
          (else
            ;; buf[b][j] = y[b][j] - nu_k[j] for j < d (padded features stay 0)
            (local.set $pn (i32.add (local.get $nu) (i32.mul (local.get $k) (local.get $sd))))
            (local.set $b (i32.const 0))
            (block $centredDone
              (loop $centred
                (br_if $centredDone (i32.ge_s (local.get $b) (local.get $nb)))
                (local.set $py (i32.add (local.get $yBlock) (i32.shl (i32.mul (local.get $b) (local.get $d)) (i32.const 2))))
                (local.set $pb (i32.add (local.get $buf) (i32.mul (local.get $b) (local.get $sd))))
                (local.set $j (i32.const 0))
                (block $featuresDone
                  (loop $features
                    (br_if $featuresDone (i32.ge_s (local.get $j) (local.get $d)))
                    (f32.store (i32.add (local.get $pb) (i32.shl (local.get $j) (i32.const 2)))
                      (f32.sub (f32.load (i32.add (local.get $py) (i32.shl (local.get $j) (i32.const 2))))
                        (f32.load (i32.add (local.get $pn) (i32.shl (local.get $j) (i32.const 2))))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $features)))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $centred)))
            (local.set $zk (i32.add (local.get $zs) (i32.mul (local.get $k) (i32.mul (i32.const {{FULL_ROWS}}) (local.get $sd)))))
            (call $gemmLower (local.get $buf) (local.get $dp) (local.get $rows4) (local.get $d) (local.get $dp)
              (i32.add (local.get $pt) (i32.mul (local.get $k) (i32.mul (local.get $dp) (local.get $sd)))) (local.get $zk))
            ;; l = c - 0.5 sum_j z^2 per row
            (local.set $b (i32.const 0))
            (local.set $pz (local.get $zk))
            (block $quadDone
              (loop $quad
                (br_if $quadDone (i32.ge_s (local.get $b) (local.get $nb)))
                (local.set $acc (v128.const i32x4 0 0 0 0))
                (local.set $j (i32.const 0))
                (block $sqDone
                  (loop $sq
                    (br_if $sqDone (i32.ge_s (local.get $j) (local.get $sd)))
                    (local.set $t (v128.load (i32.add (local.get $pz) (local.get $j))))
                    (local.set $acc (f32x4.madd (local.get $t) (local.get $t) (local.get $acc)))
                    (local.set $j (i32.add (local.get $j) (i32.const 16)))
                    (br $sq)))
                (f32.store (local.get $pl) (f32.sub (local.get $ck) (f32.mul (f32.const 0.5) (call $lanes (local.get $acc)))))
                (local.set $pl (i32.add (local.get $pl) (local.get $pitch)))
                (local.set $pz (i32.add (local.get $pz) (local.get $sd)))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $quad)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $gaussians)))
    ;; row maxima, in all four lanes
    (local.set $maxima (i32.add (local.get $scratch) (i32.mul (i32.const {{BLOCK_ROWS}}) (local.get $pitch))))
    (local.set $b (i32.const 0))
    (block $maxDone
      (loop $maxRows
        (br_if $maxDone (i32.ge_s (local.get $b) (local.get $nb)))
        (local.set $pl (i32.add (local.get $scratch) (i32.mul (local.get $b) (local.get $pitch))))
        (local.set $max (f32.const -inf))
        (local.set $k (i32.const 0))
        (block $kDone
          (loop $ks
            (br_if $kDone (i32.ge_s (local.get $k) (local.get $kp)))
            (local.set $max (f32.max (local.get $max) (f32.load (i32.add (local.get $pl) (i32.shl (local.get $k) (i32.const 2))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $ks)))
        (v128.store (i32.add (local.get $maxima) (i32.shl (local.get $b) (i32.const 4))) (f32x4.splat (local.get $max)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $maxRows))))

  ;; Adds the block's whitened moments per Gaussian: with u_b = r_bk z_kb (in the row buffer),
  ;; f_k += sum_b u_b and S_k += sum_b u_b z_kb^T (upper triangle). Gaussians with no
  ;; responsibility in the block (exp gives exactly 0 far from a row's best) are skipped.
  (func $fullStatistics (param $nb i32) (param $dp i32) (param $kp i32) (param $scratch i32) (param $zs i32) (param $out i32)
    (local $k i32) (local $b i32) (local $j i32) (local $buf i32) (local $pitch i32) (local $sd i32) (local $zk i32)
    (local $r f32) (local $any i32) (local $pr i32) (local $pb i32) (local $pz i32) (local $pf i32) (local $rs v128)
    (local.set $sd (i32.shl (local.get $dp) (i32.const 2)))
    (local.set $buf (call $workOf (local.get $scratch) (local.get $kp)))
    (local.set $pitch (i32.add (i32.shl (local.get $kp) (i32.const 2)) (i32.const {{SCRATCH_ROW_PAD}})))
    (block $gaussiansDone
      (loop $gaussians
        (br_if $gaussiansDone (i32.ge_s (local.get $k) (local.get $kp)))
        (local.set $zk (i32.add (local.get $zs) (i32.mul (local.get $k) (i32.mul (i32.const {{FULL_ROWS}}) (local.get $sd)))))
        (local.set $pf (i32.add (local.get $out) (i32.add (i32.shl (local.get $kp) (i32.const 2)) (i32.mul (local.get $k) (local.get $sd)))))
        (local.set $any (i32.const 0))
        (local.set $b (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_s (local.get $b) (local.get $nb)))
            (local.set $r (f32.load (i32.add (i32.add (local.get $scratch) (i32.mul (local.get $b) (local.get $pitch))) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $any (i32.or (local.get $any) (f32.ne (local.get $r) (f32.const 0))))
            (local.set $rs (f32x4.splat (local.get $r)))
            (local.set $pz (i32.add (local.get $zk) (i32.mul (local.get $b) (local.get $sd))))
            (local.set $pb (i32.add (local.get $buf) (i32.mul (local.get $b) (local.get $sd))))
            (local.set $j (i32.const 0))
            (block $featuresDone
              (loop $features
                (br_if $featuresDone (i32.ge_s (local.get $j) (local.get $sd)))
                (v128.store (i32.add (local.get $pb) (local.get $j))
                  (f32x4.mul (local.get $rs) (v128.load (i32.add (local.get $pz) (local.get $j)))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $features)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $rows)))
        (if (local.get $any)
          (then
            ;; f_k += sum_b u_b
            (local.set $j (i32.const 0))
            (block $firstDone
              (loop $first
                (br_if $firstDone (i32.ge_s (local.get $j) (local.get $sd)))
                (local.set $rs (v128.load (i32.add (local.get $pf) (local.get $j))))
                (local.set $b (i32.const 0))
                (local.set $pb (i32.add (local.get $buf) (local.get $j)))
                (block $sumDone
                  (loop $sum
                    (br_if $sumDone (i32.ge_s (local.get $b) (local.get $nb)))
                    (local.set $rs (f32x4.add (local.get $rs) (v128.load (local.get $pb))))
                    (local.set $pb (i32.add (local.get $pb) (local.get $sd)))
                    (local.set $b (i32.add (local.get $b) (i32.const 1)))
                    (br $sum)))
                (v128.store (i32.add (local.get $pf) (local.get $j)) (local.get $rs))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $first)))
            (call $gemmUpper (local.get $buf) (local.get $zk) (local.get $nb) (local.get $dp)
              (i32.add (local.get $out)
                (i32.shl (i32.add (i32.mul (local.get $kp) (i32.add (i32.const 1) (local.get $dp)))
                  (i32.mul (local.get $k) (i32.mul (local.get $dp) (local.get $dp)))) (i32.const 2))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $gaussians))))

  ;; Adds the block's pooled whitened scatter: for each Gaussian with responsibility in the
  ;; block, t_b = z_b - q_k (the block's z rows are zb; the row buffer `buf` takes r_bk t_b)
  ;; and s += sum_b r_bk t_b t_b^T.
  (func $pooledStatistics (param $nb i32) (param $dp i32) (param $kp i32) (param $q i32) (param $scratch i32)
    (param $zb i32) (param $buf i32) (param $s i32)
    (local $k i32) (local $b i32) (local $j i32) (local $pitch i32) (local $sd i32) (local $t i32) (local $any i32)
    (local $r f32) (local $rs v128) (local $x v128) (local $pz i32) (local $pt i32) (local $pb i32) (local $qk i32)
    (local.set $sd (i32.shl (local.get $dp) (i32.const 2)))
    (local.set $pitch (i32.add (i32.shl (local.get $kp) (i32.const 2)) (i32.const {{SCRATCH_ROW_PAD}})))
    ;; after the row buffer: the centre q_k as a row [dp], then t [BLOCK_ROWS, dp]
    (local.set $qk (i32.add (local.get $buf) (i32.mul (i32.const {{BLOCK_ROWS}}) (local.get $sd))))
    (local.set $t (i32.add (local.get $qk) (local.get $sd)))
    (block $gaussiansDone
      (loop $gaussians
        (br_if $gaussiansDone (i32.ge_s (local.get $k) (local.get $kp)))
        (local.set $j (i32.const 0))
        (block $qDone
          (loop $qs
            (br_if $qDone (i32.ge_s (local.get $j) (local.get $dp)))
            (f32.store (i32.add (local.get $qk) (i32.shl (local.get $j) (i32.const 2)))
              (f32.load (i32.add (local.get $q) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $kp)) (local.get $k)) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $qs)))
        (local.set $any (i32.const 0))
        (local.set $b (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_s (local.get $b) (local.get $nb)))
            (local.set $r (f32.load (i32.add (i32.add (local.get $scratch) (i32.mul (local.get $b) (local.get $pitch))) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $any (i32.or (local.get $any) (f32.ne (local.get $r) (f32.const 0))))
            (local.set $rs (f32x4.splat (local.get $r)))
            (local.set $pz (i32.add (local.get $zb) (i32.mul (local.get $b) (local.get $sd))))
            (local.set $pt (i32.add (local.get $t) (i32.mul (local.get $b) (local.get $sd))))
            (local.set $pb (i32.add (local.get $buf) (i32.mul (local.get $b) (local.get $sd))))
            (local.set $j (i32.const 0))
            (block $featuresDone
              (loop $features
                (br_if $featuresDone (i32.ge_s (local.get $j) (local.get $sd)))
                (local.set $x (f32x4.sub (v128.load (i32.add (local.get $pz) (local.get $j))) (v128.load (i32.add (local.get $qk) (local.get $j)))))
                (v128.store (i32.add (local.get $pt) (local.get $j)) (local.get $x))
                (v128.store (i32.add (local.get $pb) (local.get $j)) (f32x4.mul (local.get $rs) (local.get $x)))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $features)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $rows)))
        (if (local.get $any)
          (then (call $gemmUpper (local.get $buf) (local.get $t) (local.get $nb) (local.get $dp) (local.get $s))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $gaussians))))
