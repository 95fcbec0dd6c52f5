/**
 * Captured histories: the stored messages of a stream and its KV entries in a file any language reads ({@link
 * dev.verdict.store.capture.HistoryCapture}), taken from a live stream by {@code
 * dev.verdict.store.nats.StreamCapture} and checked against today's code by the test kit's {@code HistoryCheck}.
 */
package dev.verdict.store.capture;
