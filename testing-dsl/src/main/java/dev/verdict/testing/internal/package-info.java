/**
 * Plumbing shared by the test kit's server launchers (free ports, temporary directories). Not part of Verdict's API:
 * it may change in any release.
 */
package dev.verdict.testing.internal;
