/** float64 machine epsilon, bob's EPSILON (numpy.finfo(float).eps). */
export const EPSILON = 2.220446049250313e-16;

export const LOG_2PI = Math.log(2 * Math.PI);
