// Readiness is the same on every cluster: it lives with the kube driver (kind drives its cluster
// as a kube cluster).
export * from '../kube/readiness.js';
