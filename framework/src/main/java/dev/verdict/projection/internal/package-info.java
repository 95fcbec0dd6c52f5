/**
 * Helpers of the projection packages that are not API: they may change in any release. Today: opening the KV buckets
 * Verdict keeps beside a store (dead letters, process state) with the store's replica count.
 */
package dev.verdict.projection.internal;
