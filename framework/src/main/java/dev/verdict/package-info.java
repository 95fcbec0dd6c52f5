/** Verdict: event-sourced domain models on NATS JetStream. */
package dev.verdict;
