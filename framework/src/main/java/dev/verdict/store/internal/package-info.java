/**
 * Helpers Verdict's own packages share – not API. Nothing here is covered by compatibility promises: classes and
 * methods may change or disappear in any release. Use the public types of {@code dev.verdict.store} and its other
 * sub-packages instead.
 *
 * <p>What lives here: {@code Ascii} (header-safe character checks), {@code RandomIds} (unguessable command ids),
 * {@code EventIds} (unique event and batch ids), {@code IsoInstant} (fast ISO-8601 instants for headers and JSON), {@code AppendArguments} (the checks of
 * an append's arguments every store makes).
 */
package dev.verdict.store.internal;
