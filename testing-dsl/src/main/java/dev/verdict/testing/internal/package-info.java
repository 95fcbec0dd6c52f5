/**
 * Plumbing shared by the test kit's server launchers (free ports, temporary directories) and by the tests that check
 * the documentation's code samples (DocSamples). Not part of Verdict's API:
 * it may change in any release.
 */
package dev.verdict.testing.internal;
