package gp

// invChol writes into inv (n×n, row-major, stride n) the upper triangle of
// K⁻¹ for K = UᵀU, U upper triangular n×n (stride ldu), using t (n×n) as
// scratch, and reports whether U's diagonal has no zero (else inv is
// unset), as lapack64.Potri does. Entries below the diagonal of inv are
// left unspecified.
//
// It computes V = U⁻¹ by trsmRUN (V·U = I, rows of the identity; the
// zeros before the diagonal are skipped exactly), and then K⁻¹ = V·Vᵀ
// as Σ_k t_k t_kᵀ over the rows t_k of T = Vᵀ (lower triangular), in
// blocks of four rows of K⁻¹ and two k at a time with the fused kernel of
// trsmRUN. It is not Potri's operation order: the results agree to a few
// ulps times the condition number.
func invChol(n int, u []float64, ldu int, inv, t []float64) bool {
	for i := range n {
		if u[i*ldu+i] == 0 {
			return false
		}
	}
	v := inv[:n*n]
	clear(v)
	for i := range n {
		v[i*n+i] = 1
	}
	trsmRUN(n, n, u, ldu, v, n) // V = U⁻¹, exact zeros below the diagonal
	t = t[:n*n]
	for i := range n {
		for j := range n {
			t[j*n+i] = v[i*n+j]
		}
	}
	clear(v)
	i := 0
	for ; i+4 <= n; i += 4 {
		// Rows i..i+3, columns j ≥ i: Σ_{k ≥ i} t_k[r]·t_k[j], where
		// t_k[j] = 0 for j > k (and t_k[r] = 0 for r > k).
		b := v[i*n+i:]
		var y, z [4]float64
		k := i
		for ; k+1 < n; k += 2 {
			tk, tk1 := t[k*n:k*n+n], t[(k+1)*n:(k+1)*n+n]
			y = [4]float64{tk[i], tk[i+1], tk[i+2], tk[i+3]}
			z = [4]float64{tk1[i], tk1[i+1], tk1[i+2], tk1[i+3]}
			fused4x2(k+2-i, &tk[i], &tk1[i], &b[0], n, &y, &z)
		}
		if k < n {
			tk := t[k*n : k*n+n]
			y = [4]float64{tk[i], tk[i+1], tk[i+2], tk[i+3]}
			z = [4]float64{}
			fused4x2(n-i, &tk[i], &tk[i], &b[0], n, &y, &z)
		}
	}
	for ; i < n; i++ {
		// The last rows: K⁻¹_ij = Σ_{k ≥ j} t_k[i]·t_k[j] for j ≥ i.
		for j := i; j < n; j++ {
			s := 0.0
			for k := j; k < n; k++ {
				s += t[k*n+i] * t[k*n+j]
			}
			v[i*n+j] = s
		}
	}
	return true
}
