;; The host e-step kernels in WebAssembly SIMD (128-bit), built by scripts/build-wasm.mjs.
;;
;; Two functions over `rows` samples y [rows, d] (up to 3 rows past the end are read and
;; ignored) and the Gaussians as nu, h [d, kp] and c [kp] (kp = K padded to a multiple of 8):
;;   log(w_k N(y | mu_k, var_k)) = c_k - sum_j (y_j - nu_jk)^2 h_jk,   h = 1 / (2 var).
;; All arguments are i32; pointers are byte addresses in the imported memory.
;;
;;   estep(y, rows, d, kp, nu, h, c, scratch, out, w) adds to out, laid out as
;;     [ sum_i r_ik t_ijk [d, kp] | sum_i r_ik t_ijk^2 [d, kp] | sum_i r_ik [kp] ] f32,
;;     then sum_i log p(y_i) f64, with t_ijk = y_ij - nu_jk: moments about each
;;     Gaussian's own centre, so narrow Gaussians far from 0 keep their precision;
;;     w: the rows' weights [rows] f32, each row counting w_i times (0: every row once);
;;   loglik(y, rows, d, kp, nu, h, c, scratch, out) writes log p(y_i) to out [rows] f32;
;;   cestep(x, rows, d, kp, nu, h, c, scratch, out, w, shift, f64) and
;;   cloglik(x, rows, d, kp, nu, h, c, scratch, out, w, shift, f64): the same on the rows x as
;;     the caller stores them (f32, or f64 when f64 != 0), each block centred here by the shift
;;     [d] f64 (w is ignored by cloglik), so that no centred copy of the data is ever made.
;;
;; Rows go in blocks of BLOCK_ROWS, whose responsibilities stay in cache between the passes.
;; scratch (scratchBytes(kp) in layout.ts) holds a block's [BLOCK_ROWS, kp] f32 log-likelihoods,
;; turned into responsibilities in place, rows kp * 4 + SCRATCH_ROW_PAD bytes apart, then
;; [BLOCK_ROWS, 4] f32 running row maxima, then [BLOCK_ROWS, 2] i32: the rows the statistics visit;
;; cestep and cloglik then centre each block into [BLOCK_ROWS, d] f32 after the scratch.
;;
;; Template, expanded by the build script:
;;   {{NAME}}                the constant NAME of layout.ts;
;;   (f32x4.madd a b c)      a * b + c: f32x4.relaxed_madd in the relaxed build, mul then add otherwise;
;;   the word `shared` in the memory import is dropped in the unshared build.
(module
  (import "env" "memory" (memory 1 65536 shared))
  ;; Once per row: Math.log is exact enough and saves a wasm logarithm.
  (import "env" "log" (func $log (param f64) (result f64)))

  (func (export "estep")
    (param $y i32) (param $rows i32) (param $d i32) (param $kp i32)
    (param $nu i32) (param $h i32) (param $c i32) (param $scratch i32) (param $out i32) (param $w i32)
    (call $estepRows (local.get $y) (i32.const 0) (i32.const 0) (i32.const 0) (local.get $rows) (local.get $d) (local.get $kp)
      (local.get $nu) (local.get $h) (local.get $c) (local.get $scratch) (local.get $out) (local.get $w)))

  (func (export "cestep")
    (param $x i32) (param $rows i32) (param $d i32) (param $kp i32)
    (param $nu i32) (param $h i32) (param $c i32) (param $scratch i32) (param $out i32) (param $w i32)
    (param $shift i32) (param $f64 i32)
    (call $estepRows (i32.const 0) (local.get $x) (local.get $f64) (local.get $shift) (local.get $rows) (local.get $d) (local.get $kp)
      (local.get $nu) (local.get $h) (local.get $c) (local.get $scratch) (local.get $out) (local.get $w)))

  (func (export "loglik")
    (param $y i32) (param $rows i32) (param $d i32) (param $kp i32)
    (param $nu i32) (param $h i32) (param $c i32) (param $scratch i32) (param $out i32)
    (call $loglikRows (local.get $y) (i32.const 0) (i32.const 0) (i32.const 0) (local.get $rows) (local.get $d) (local.get $kp)
      (local.get $nu) (local.get $h) (local.get $c) (local.get $scratch) (local.get $out)))

  (func (export "cloglik")
    (param $x i32) (param $rows i32) (param $d i32) (param $kp i32)
    (param $nu i32) (param $h i32) (param $c i32) (param $scratch i32) (param $out i32) (param $w i32)
    (param $shift i32) (param $f64 i32)
    (call $loglikRows (i32.const 0) (local.get $x) (local.get $f64) (local.get $shift) (local.get $rows) (local.get $d) (local.get $kp)
      (local.get $nu) (local.get $h) (local.get $c) (local.get $scratch) (local.get $out)))

  (func $estepRows
    (param $y i32) (param $x i32) (param $f64 i32) (param $shift i32) (param $rows i32) (param $d i32) (param $kp i32)
    (param $nu i32) (param $h i32) (param $c i32) (param $scratch i32) (param $out i32) (param $w i32)
    (local $r0 i32) (local $nb i32) (local $yBlock i32) (local $sumR i32) (local $ll f64)
    ;; sum r lies after the two [d, kp] moments, sum log p after sum r.
    (local.set $sumR (i32.add (local.get $out) (i32.shl (i32.mul (local.get $d) (local.get $kp)) (i32.const 3))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_s (local.get $r0) (local.get $rows)))
        (local.set $nb (call $blockRows (local.get $rows) (local.get $r0)))
        (local.set $yBlock (call $block (local.get $y) (local.get $x) (local.get $f64) (local.get $shift)
          (local.get $r0) (local.get $nb) (local.get $d) (local.get $kp) (local.get $scratch)))
        (call $logLikelihoods (local.get $yBlock) (local.get $nb) (local.get $d) (local.get $kp)
          (local.get $nu) (local.get $h) (local.get $c) (local.get $scratch))
        (local.set $ll (f64.add (local.get $ll)
          (call $responsibilities (local.get $nb) (local.get $kp) (local.get $scratch) (local.get $sumR)
            (select (i32.add (local.get $w) (i32.shl (local.get $r0) (i32.const 2))) (i32.const 0) (local.get $w)))))
        (call $statistics (local.get $yBlock) (local.get $nb) (local.get $d) (local.get $kp)
          (local.get $nu) (local.get $scratch) (local.get $out))
        (local.set $r0 (i32.add (local.get $r0) (i32.const {{BLOCK_ROWS}})))
        (br $blocks)))
    (f64.store (i32.add (local.get $sumR) (i32.shl (local.get $kp) (i32.const 2))) (local.get $ll)))

  (func $loglikRows
    (param $y i32) (param $x i32) (param $f64 i32) (param $shift i32) (param $rows i32) (param $d i32) (param $kp i32)
    (param $nu i32) (param $h i32) (param $c i32) (param $scratch i32) (param $out i32)
    (local $r0 i32) (local $nb i32) (local $yBlock i32)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_s (local.get $r0) (local.get $rows)))
        (local.set $nb (call $blockRows (local.get $rows) (local.get $r0)))
        (local.set $yBlock (call $block (local.get $y) (local.get $x) (local.get $f64) (local.get $shift)
          (local.get $r0) (local.get $nb) (local.get $d) (local.get $kp) (local.get $scratch)))
        (call $logLikelihoods (local.get $yBlock) (local.get $nb) (local.get $d) (local.get $kp)
          (local.get $nu) (local.get $h) (local.get $c) (local.get $scratch))
        (call $rowLogLikelihoods (local.get $nb) (local.get $kp) (local.get $scratch)
          (i32.add (local.get $out) (i32.shl (local.get $r0) (i32.const 2))))
        (local.set $r0 (i32.add (local.get $r0) (i32.const {{BLOCK_ROWS}})))
        (br $blocks))))

  ;; The f32 rows of the block at r0: in y (x = 0), or rows of x (f32, or f64 when f64 != 0)
  ;; minus the shift [d] f64, rounded to f32 (exactly what the engine's JavaScript centring gives)
  ;; into the thread's block of [BLOCK_ROWS, d] f32 after its scratch. Rows from nb up to the
  ;; next multiple of 4 (read by the log-likelihood tiles) are zeroed.
  (func $block
    (param $y i32) (param $x i32) (param $f64 i32) (param $shift i32)
    (param $r0 i32) (param $nb i32) (param $d i32) (param $kp i32) (param $scratch i32) (result i32)
    (local $dst i32) (local $src i32) (local $end i32) (local $rowEnd i32) (local $pairsEnd i32) (local $ps i32)
    (local $step i32) (local $v v128)
    (if (i32.eqz (local.get $x))
      (then (return (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r0) (local.get $d)) (i32.const 2))))))
    (local.set $dst (i32.add (local.get $scratch)
      (i32.add (i32.mul (i32.const {{BLOCK_ROWS}}) (i32.add (i32.shl (local.get $kp) (i32.const 2)) (i32.const {{SCRATCH_ROW_PAD}})))
        (i32.mul (i32.const {{BLOCK_ROWS}}) (i32.const {{ROW_TAIL_BYTES}})))))
    (local.set $step (select (i32.const 8) (i32.const 4) (local.get $f64)))
    (local.set $src (i32.add (local.get $x) (i32.mul (i32.mul (local.get $r0) (local.get $d)) (local.get $step))))
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $nb) (local.get $d)) (i32.const 2))))
    (local.set $y (local.get $dst))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $dst) (local.get $end)))
        (local.set $rowEnd (i32.add (local.get $dst) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $pairsEnd (i32.sub (local.get $rowEnd) (i32.const 8)))
        (local.set $ps (local.get $shift))
        ;; two features at a time, in f64x2
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.gt_u (local.get $dst) (local.get $pairsEnd)))
            (local.set $v (if (result v128) (local.get $f64)
              (then (v128.load (local.get $src)))
              (else (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $src))))))
            (v128.store64_lane 0 (local.get $dst)
              (f32x4.demote_f64x2_zero (f64x2.sub (local.get $v) (v128.load (local.get $ps)))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
            (local.set $src (i32.add (local.get $src) (i32.shl (local.get $step) (i32.const 1))))
            (local.set $ps (i32.add (local.get $ps) (i32.const 16)))
            (br $pairs)))
        ;; the last feature of an odd d
        (if (i32.lt_u (local.get $dst) (local.get $rowEnd))
          (then
            (f32.store (local.get $dst) (f32.demote_f64 (f64.sub
              (if (result f64) (local.get $f64)
                (then (f64.load (local.get $src)))
                (else (f64.promote_f32 (f32.load (local.get $src)))))
              (f64.load (local.get $ps)))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (local.set $src (i32.add (local.get $src) (local.get $step)))))
        (br $rowLoop)))
    ;; zero the rows the tiles read past nb
    (local.set $end (i32.add (local.get $y) (i32.shl (i32.mul (i32.and (i32.add (local.get $nb) (i32.const 3)) (i32.const -4)) (local.get $d)) (i32.const 2))))
    (block $zeroDone
      (loop $zero
        (br_if $zeroDone (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.const 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $zero)))
    (local.get $y))

  ;; min(BLOCK_ROWS, rows - r0)
  (func $blockRows (param $rows i32) (param $r0 i32) (result i32)
    (select (i32.const {{BLOCK_ROWS}}) (i32.sub (local.get $rows) (local.get $r0))
      (i32.gt_s (i32.sub (local.get $rows) (local.get $r0)) (i32.const {{BLOCK_ROWS}}))))

  ;; scratch[b][k] = c_k - sum_j (y_bj - nu_jk)^2 h_jk for the block's nb rows, and each
  ;; row's running maxima (four lanes). Tiles of 4 rows x 8 Gaussians: eight accumulators,
  ;; each (nu, h) pair loaded once for four rows.
  (func $logLikelihoods
    (param $yBlock i32) (param $nb i32) (param $d i32) (param $kp i32)
    (param $nu i32) (param $h i32) (param $c i32) (param $scratch i32)
    (local $dBytes i32) (local $kpBytes i32) (local $maxima i32) (local $end i32) (local $pitch i32)
    (local $kb i32) (local $rq i32) (local $py i32) (local $pl i32) (local $pm i32)
    (local $j i32) (local $pn i32) (local $ph i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $n0 v128) (local $n1 v128) (local $h0 v128) (local $h1 v128) (local $ys v128) (local $t v128)
    (local.set $dBytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $kpBytes (i32.shl (local.get $kp) (i32.const 2)))
    (local.set $pitch (i32.add (local.get $kpBytes) (i32.const {{SCRATCH_ROW_PAD}})))
    (local.set $maxima (i32.add (local.get $scratch) (i32.mul (i32.const {{BLOCK_ROWS}}) (local.get $pitch))))

    ;; Every row's maxima start at -Inf.
    (local.set $pm (local.get $maxima))
    (local.set $end (i32.add (local.get $maxima) (i32.shl (i32.const {{BLOCK_ROWS}}) (i32.const 4))))
    (block $reset
      (loop $next
        (br_if $reset (i32.ge_s (local.get $pm) (local.get $end)))
        (v128.store (local.get $pm) (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $pm (i32.add (local.get $pm) (i32.const 16)))
        (br $next)))

    ;; kb: byte offset of the tile's 8 Gaussians.
    (block $tilesDone
      (loop $tiles
        (br_if $tilesDone (i32.ge_s (local.get $kb) (local.get $kpBytes)))
        (local.set $py (local.get $yBlock))
        (local.set $pl (i32.add (local.get $scratch) (local.get $kb)))
        (local.set $pm (local.get $maxima))
        (local.set $rq (i32.const 0))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.ge_s (local.get $rq) (local.get $nb)))
            ;; a(2r), a(2r+1): row r's Gaussians 0-3 and 4-7 of the tile.
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (local.set $a4 (v128.const i32x4 0 0 0 0))
            (local.set $a5 (v128.const i32x4 0 0 0 0))
            (local.set $a6 (v128.const i32x4 0 0 0 0))
            (local.set $a7 (v128.const i32x4 0 0 0 0))
            (local.set $pn (i32.add (local.get $nu) (local.get $kb)))
            (local.set $ph (i32.add (local.get $h) (local.get $kb)))
            ;; j: address of feature j of the quad's first row.
            (local.set $j (local.get $py))
            (local.set $end (i32.add (local.get $py) (local.get $dBytes)))
            (block $featuresDone
              (loop $features
                (br_if $featuresDone (i32.ge_s (local.get $j) (local.get $end)))
                (local.set $n0 (v128.load (local.get $pn)))
                (local.set $n1 (v128.load offset=16 (local.get $pn)))
                (local.set $h0 (v128.load (local.get $ph)))
                (local.set $h1 (v128.load offset=16 (local.get $ph)))
                ;; a += (y - nu)^2 h, row by row.
                (local.set $ys (v128.load32_splat (local.get $j)))
                (local.set $t (f32x4.sub (local.get $ys) (local.get $n0)))
                (local.set $a0 (f32x4.madd (f32x4.mul (local.get $t) (local.get $h0)) (local.get $t) (local.get $a0)))
                (local.set $t (f32x4.sub (local.get $ys) (local.get $n1)))
                (local.set $a1 (f32x4.madd (f32x4.mul (local.get $t) (local.get $h1)) (local.get $t) (local.get $a1)))
                (local.set $ys (v128.load32_splat (i32.add (local.get $j) (local.get $dBytes))))
                (local.set $t (f32x4.sub (local.get $ys) (local.get $n0)))
                (local.set $a2 (f32x4.madd (f32x4.mul (local.get $t) (local.get $h0)) (local.get $t) (local.get $a2)))
                (local.set $t (f32x4.sub (local.get $ys) (local.get $n1)))
                (local.set $a3 (f32x4.madd (f32x4.mul (local.get $t) (local.get $h1)) (local.get $t) (local.get $a3)))
                (local.set $ys (v128.load32_splat (i32.add (local.get $j) (i32.shl (local.get $dBytes) (i32.const 1)))))
                (local.set $t (f32x4.sub (local.get $ys) (local.get $n0)))
                (local.set $a4 (f32x4.madd (f32x4.mul (local.get $t) (local.get $h0)) (local.get $t) (local.get $a4)))
                (local.set $t (f32x4.sub (local.get $ys) (local.get $n1)))
                (local.set $a5 (f32x4.madd (f32x4.mul (local.get $t) (local.get $h1)) (local.get $t) (local.get $a5)))
                (local.set $ys (v128.load32_splat (i32.add (local.get $j) (i32.mul (local.get $dBytes) (i32.const 3)))))
                (local.set $t (f32x4.sub (local.get $ys) (local.get $n0)))
                (local.set $a6 (f32x4.madd (f32x4.mul (local.get $t) (local.get $h0)) (local.get $t) (local.get $a6)))
                (local.set $t (f32x4.sub (local.get $ys) (local.get $n1)))
                (local.set $a7 (f32x4.madd (f32x4.mul (local.get $t) (local.get $h1)) (local.get $t) (local.get $a7)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (local.set $pn (i32.add (local.get $pn) (local.get $kpBytes)))
                (local.set $ph (i32.add (local.get $ph) (local.get $kpBytes)))
                (br $features)))
            ;; Row by row: l = c - a into scratch, and the row's running maxima (n0, n1 now
            ;; hold the tile's c). Written out rather than called: V8 spills every live
            ;; SIMD register around a call.
            (local.set $n0 (v128.load (i32.add (local.get $c) (local.get $kb))))
            (local.set $n1 (v128.load offset=16 (i32.add (local.get $c) (local.get $kb))))
            (local.set $a0 (f32x4.sub (local.get $n0) (local.get $a0)))
            (local.set $a1 (f32x4.sub (local.get $n1) (local.get $a1)))
            (v128.store (local.get $pl) (local.get $a0))
            (v128.store offset=16 (local.get $pl) (local.get $a1))
            (v128.store (local.get $pm)
              (f32x4.max (f32x4.max (v128.load (local.get $pm)) (local.get $a0)) (local.get $a1)))
            (local.set $pl (i32.add (local.get $pl) (local.get $pitch)))
            (local.set $a2 (f32x4.sub (local.get $n0) (local.get $a2)))
            (local.set $a3 (f32x4.sub (local.get $n1) (local.get $a3)))
            (v128.store (local.get $pl) (local.get $a2))
            (v128.store offset=16 (local.get $pl) (local.get $a3))
            (v128.store offset=16 (local.get $pm)
              (f32x4.max (f32x4.max (v128.load offset=16 (local.get $pm)) (local.get $a2)) (local.get $a3)))
            (local.set $pl (i32.add (local.get $pl) (local.get $pitch)))
            (local.set $a4 (f32x4.sub (local.get $n0) (local.get $a4)))
            (local.set $a5 (f32x4.sub (local.get $n1) (local.get $a5)))
            (v128.store (local.get $pl) (local.get $a4))
            (v128.store offset=16 (local.get $pl) (local.get $a5))
            (v128.store offset=32 (local.get $pm)
              (f32x4.max (f32x4.max (v128.load offset=32 (local.get $pm)) (local.get $a4)) (local.get $a5)))
            (local.set $pl (i32.add (local.get $pl) (local.get $pitch)))
            (local.set $a6 (f32x4.sub (local.get $n0) (local.get $a6)))
            (local.set $a7 (f32x4.sub (local.get $n1) (local.get $a7)))
            (v128.store (local.get $pl) (local.get $a6))
            (v128.store offset=16 (local.get $pl) (local.get $a7))
            (v128.store offset=48 (local.get $pm)
              (f32x4.max (f32x4.max (v128.load offset=48 (local.get $pm)) (local.get $a6)) (local.get $a7)))
            (local.set $pl (i32.add (local.get $pl) (local.get $pitch)))
            (local.set $pm (i32.add (local.get $pm) (i32.const 64)))
            (local.set $py (i32.add (local.get $py) (i32.shl (local.get $dBytes) (i32.const 2))))
            (local.set $rq (i32.add (local.get $rq) (i32.const 4)))
            (br $quads)))
        (local.set $kb (i32.add (local.get $kb) (i32.const 32)))
        (br $tiles))))

  ;; The row's largest log-likelihood, from its four running maxima at pm.
  (func $rowMax (param $pm i32) (result f64)
    (local $m v128)
    (local.set $m (v128.load (local.get $pm)))
    (f64.promote_f32
      (f32.max
        (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
        (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m))))))

  ;; Replaces each l of the row [p, end) by exp(l - max) and returns their sum (f64 of an f32 sum).
  ;; exp is Cephes expf on four lanes: exp(x) = 2^n P(r), n = round(x / ln 2),
  ;; r = x - n ln 2 (ln 2 in two parts), a degree-7 polynomial P; exactly 0 below -87.3 and for -Inf.
  (func $expRow (param $p i32) (param $end i32) (param $max f32) (result f64)
    (local $m v128) (local $x v128) (local $r v128) (local $n v128) (local $e v128) (local $s v128)
    ;; Constants in locals: V8 rematerialises a v128.const at every use inside the loop.
    (local $low v128) (local $log2e v128) (local $ln2Hi v128) (local $ln2Lo v128) (local $one v128)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128) (local $p4 v128) (local $p5 v128)
    (local.set $m (f32x4.splat (local.get $max)))
    (local.set $low (f32x4.splat (f32.const -87.33654)))
    (local.set $log2e (f32x4.splat (f32.const 1.44269504088896341)))
    (local.set $ln2Hi (f32x4.splat (f32.const 0.693359375)))
    (local.set $ln2Lo (f32x4.splat (f32.const -2.12194440e-4)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $p0 (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $p1 (f32x4.splat (f32.const 1.3981999507e-3)))
    (local.set $p2 (f32x4.splat (f32.const 8.3334519073e-3)))
    (local.set $p3 (f32x4.splat (f32.const 4.1665795894e-2)))
    (local.set $p4 (f32x4.splat (f32.const 1.6666665459e-1)))
    (local.set $p5 (f32x4.splat (f32.const 5.0000001201e-1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $p) (local.get $end)))
        (local.set $x (f32x4.sub (v128.load (local.get $p)) (local.get $m)))
        (local.set $r (f32x4.max (local.get $x) (local.get $low)))
        (local.set $n (f32x4.nearest (f32x4.mul (local.get $r) (local.get $log2e))))
        (local.set $r (f32x4.sub
          (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (local.get $ln2Hi)))
          (f32x4.mul (local.get $n) (local.get $ln2Lo))))
        ;; Horner: P(r) = ((p0 r + p1) r + ... + p5) r^2 + r + 1
        (local.set $e (f32x4.madd (local.get $r) (local.get $p0) (local.get $p1)))
        (local.set $e (f32x4.madd (local.get $e) (local.get $r) (local.get $p2)))
        (local.set $e (f32x4.madd (local.get $e) (local.get $r) (local.get $p3)))
        (local.set $e (f32x4.madd (local.get $e) (local.get $r) (local.get $p4)))
        (local.set $e (f32x4.madd (local.get $e) (local.get $r) (local.get $p5)))
        (local.set $e (f32x4.add
          (f32x4.add (f32x4.mul (local.get $e) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
          (local.get $one)))
        ;; times 2^n (n + 127 in the exponent bits), zeroed where x < low
        (local.set $e (v128.and
          (f32x4.mul (local.get $e)
            (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (i32x4.splat (i32.const 127))) (i32.const 23)))
          (f32x4.ge (local.get $x) (local.get $low))))
        (v128.store (local.get $p) (local.get $e))
        (local.set $s (f32x4.add (local.get $s) (local.get $e)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
    (f64.promote_f32
      (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 1 (local.get $s)))
        (f32.add (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 3 (local.get $s))))))

  ;; Per row of the block: log p = max + log sum_k exp(l_k - max) (returned summed, f64),
  ;; scratch turned into responsibilities r_k = exp(l_k - max) / sum, added to sumR [kp];
  ;; with weights w (the block's [nb] f32; 0: none) both count w_b times.
  ;; A row with no finite log-likelihood adds -Inf and zero responsibilities (not NaN);
  ;; a row of weight 0 adds nothing.
  (func $responsibilities (param $nb i32) (param $kp i32) (param $scratch i32) (param $sumR i32) (param $w i32) (result f64)
    (local $kpBytes i32) (local $pl i32) (local $pm i32) (local $end i32) (local $b i32) (local $p i32) (local $q i32) (local $pitch i32)
    (local $ll f64) (local $max f64) (local $sum f64) (local $weight f64) (local $scale v128) (local $r v128)
    (local.set $kpBytes (i32.shl (local.get $kp) (i32.const 2)))
    (local.set $pitch (i32.add (local.get $kpBytes) (i32.const {{SCRATCH_ROW_PAD}})))
    (local.set $pl (local.get $scratch))
    (local.set $pm (i32.add (local.get $scratch) (i32.mul (i32.const {{BLOCK_ROWS}}) (local.get $pitch))))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $b) (local.get $nb)))
        (local.set $end (i32.add (local.get $pl) (local.get $kpBytes)))
        (local.set $max (call $rowMax (local.get $pm)))
        (local.set $weight (if (result f64) (local.get $w)
          (then (f64.promote_f32 (f32.load (i32.add (local.get $w) (i32.shl (local.get $b) (i32.const 2))))))
          (else (f64.const 1))))
        (if (i32.or (f64.eq (local.get $max) (f64.const -inf)) (f64.eq (local.get $weight) (f64.const 0)))
          (then
            (if (f64.ne (local.get $weight) (f64.const 0))
              (then (local.set $ll (f64.add (local.get $ll) (f64.const -inf)))))
            (local.set $p (local.get $pl))
            (block $zeroed
              (loop $zero
                (br_if $zeroed (i32.ge_s (local.get $p) (local.get $end)))
                (v128.store (local.get $p) (v128.const i32x4 0 0 0 0))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (br $zero))))
          (else
            (local.set $sum (call $expRow (local.get $pl) (local.get $end) (f32.demote_f64 (local.get $max))))
            (local.set $ll (f64.add (local.get $ll)
              (f64.mul (local.get $weight) (f64.add (local.get $max) (call $log (local.get $sum))))))
            (local.set $scale (f32x4.splat (f32.demote_f64 (f64.div (local.get $weight) (local.get $sum)))))
            (local.set $p (local.get $pl))
            (local.set $q (local.get $sumR))
            (block $scaled
              (loop $scale
                (br_if $scaled (i32.ge_s (local.get $p) (local.get $end)))
                (local.set $r (f32x4.mul (v128.load (local.get $p)) (local.get $scale)))
                (v128.store (local.get $p) (local.get $r))
                (v128.store (local.get $q) (f32x4.add (v128.load (local.get $q)) (local.get $r)))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (local.set $q (i32.add (local.get $q) (i32.const 16)))
                (br $scale)))))
        (local.set $pl (i32.add (local.get $pl) (local.get $pitch)))
        (local.set $pm (i32.add (local.get $pm) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows)))
    (local.get $ll))

  ;; Per row of the block: log p into out (f32), -Inf where the row's maximum is.
  (func $rowLogLikelihoods (param $nb i32) (param $kp i32) (param $scratch i32) (param $out i32)
    (local $kpBytes i32) (local $pl i32) (local $pm i32) (local $b i32) (local $max f64) (local $pitch i32)
    (local.set $kpBytes (i32.shl (local.get $kp) (i32.const 2)))
    (local.set $pitch (i32.add (local.get $kpBytes) (i32.const {{SCRATCH_ROW_PAD}})))
    (local.set $pl (local.get $scratch))
    (local.set $pm (i32.add (local.get $scratch) (i32.mul (i32.const {{BLOCK_ROWS}}) (local.get $pitch))))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $b) (local.get $nb)))
        (local.set $max (call $rowMax (local.get $pm)))
        (f32.store (local.get $out)
          (if (result f32) (f64.eq (local.get $max) (f64.const -inf))
            (then (f32.const -inf))
            (else (f32.demote_f64 (f64.add (local.get $max)
              (call $log (call $expRow (local.get $pl) (i32.add (local.get $pl) (local.get $kpBytes))
                (f32.demote_f64 (local.get $max)))))))))
        (local.set $pl (i32.add (local.get $pl) (local.get $pitch)))
        (local.set $pm (i32.add (local.get $pm) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows))))

  ;; out += the block's centred moments: with t = y_bj - nu_jk,
  ;;   out[j][k] += sum_b r_bk t,   out[d + j][k] += sum_b r_bk t^2.
  ;; Tiles of 1 feature x 8 Gaussians: four accumulators. (Tiles of two features would
  ;; load each responsibility once for both, but their eight accumulators, responsibilities
  ;; and the nu of both features outnumber the SIMD registers V8 allocates: it spills.)
  ;; Only the rows with a non-zero responsibility in the tile are visited: exp gives exactly
  ;; 0 more than 87 nats below a row's best Gaussian, which on clustered data is most rows
  ;; for most tiles; each tile first lists its rows' scratch and y offsets.
  (func $statistics
    (param $yBlock i32) (param $nb i32) (param $d i32) (param $kp i32)
    (param $nu i32) (param $scratch i32) (param $out i32)
    (local $kpBytes i32) (local $dBytes i32) (local $second i32) (local $pitch i32)
    (local $kb i32) (local $j i32) (local $b i32) (local $pl i32) (local $py i32) (local $q i32)
    (local $live i32) (local $end i32) (local $e i32)
    (local $n0 v128) (local $n1 v128) (local $ys v128) (local $t v128) (local $u v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $kpBytes (i32.shl (local.get $kp) (i32.const 2)))
    (local.set $pitch (i32.add (local.get $kpBytes) (i32.const {{SCRATCH_ROW_PAD}})))
    (local.set $dBytes (i32.shl (local.get $d) (i32.const 2)))
    ;; byte distance from sum r t to sum r t^2 of the same feature
    (local.set $second (i32.mul (local.get $d) (local.get $kpBytes)))
    ;; the row list, after the responsibilities and the row maxima
    (local.set $live (i32.add (i32.add (local.get $scratch) (i32.mul (i32.const {{BLOCK_ROWS}}) (local.get $pitch)))
      (i32.shl (i32.const {{BLOCK_ROWS}}) (i32.const 4))))
    (block $tilesDone
      (loop $tiles
        (br_if $tilesDone (i32.ge_s (local.get $kb) (local.get $kpBytes)))
        ;; [e, end): (scratch offset, y offset) of each row whose eight responsibilities are not all 0.
        (local.set $end (local.get $live))
        (local.set $pl (i32.add (local.get $scratch) (local.get $kb)))
        (local.set $b (i32.const 0))
        (block $scanDone
          (loop $scan
            (br_if $scanDone (i32.ge_s (local.get $b) (local.get $nb)))
            (if (v128.any_true (v128.or (v128.load (local.get $pl)) (v128.load offset=16 (local.get $pl))))
              (then
                (i32.store (local.get $end) (i32.mul (local.get $b) (local.get $pitch)))
                (i32.store offset=4 (local.get $end) (i32.mul (local.get $b) (local.get $dBytes)))
                (local.set $end (i32.add (local.get $end) (i32.const 8)))))
            (local.set $pl (i32.add (local.get $pl) (local.get $pitch)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $scan)))
        (local.set $j (i32.const 0))
        (block $featuresDone
          (loop $features
            (br_if $featuresDone (i32.or (i32.ge_s (local.get $j) (local.get $d)) (i32.eq (local.get $end) (local.get $live))))
            ;; a0, a1: sum r t of the tile's Gaussians 0-3 and 4-7; a2, a3: sum r t^2.
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            ;; q: where feature j's sums for the tile go; the tile's nu of feature j has the same offset.
            (local.set $q (i32.add (i32.mul (local.get $j) (local.get $kpBytes)) (local.get $kb)))
            (local.set $n0 (v128.load (i32.add (local.get $nu) (local.get $q))))
            (local.set $n1 (v128.load offset=16 (i32.add (local.get $nu) (local.get $q))))
            (local.set $pl (i32.add (local.get $scratch) (local.get $kb)))
            (local.set $py (i32.add (local.get $yBlock) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $e (local.get $live))
            (block $rowsDone
              (loop $rows
                (br_if $rowsDone (i32.ge_s (local.get $e) (local.get $end)))
                (local.set $ys (v128.load32_splat (i32.add (local.get $py) (i32.load offset=4 (local.get $e)))))
                (local.set $b (i32.add (local.get $pl) (i32.load (local.get $e))))
                (local.set $t (f32x4.sub (local.get $ys) (local.get $n0)))
                (local.set $u (f32x4.mul (v128.load (local.get $b)) (local.get $t)))
                (local.set $a0 (f32x4.add (local.get $a0) (local.get $u)))
                (local.set $a2 (f32x4.madd (local.get $u) (local.get $t) (local.get $a2)))
                (local.set $t (f32x4.sub (local.get $ys) (local.get $n1)))
                (local.set $u (f32x4.mul (v128.load offset=16 (local.get $b)) (local.get $t)))
                (local.set $a1 (f32x4.add (local.get $a1) (local.get $u)))
                (local.set $a3 (f32x4.madd (local.get $u) (local.get $t) (local.get $a3)))
                (local.set $e (i32.add (local.get $e) (i32.const 8)))
                (br $rows)))
            (local.set $q (i32.add (local.get $out) (local.get $q)))
            (v128.store (local.get $q) (f32x4.add (v128.load (local.get $q)) (local.get $a0)))
            (v128.store offset=16 (local.get $q) (f32x4.add (v128.load offset=16 (local.get $q)) (local.get $a1)))
            (local.set $q (i32.add (local.get $q) (local.get $second)))
            (v128.store (local.get $q) (f32x4.add (v128.load (local.get $q)) (local.get $a2)))
            (v128.store offset=16 (local.get $q) (f32x4.add (v128.load offset=16 (local.get $q)) (local.get $a3)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $features)))
        (local.set $kb (i32.add (local.get $kb) (i32.const 32)))
        (br $tiles))))
)
