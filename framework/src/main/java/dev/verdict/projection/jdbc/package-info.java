/**
 * Relational read models: {@link dev.verdict.projection.jdbc.JdbcProjection} writes each event's effect and the
 * projection's checkpoint in one transaction, so every event has exactly one effect, whatever the number of runners.
 */
package dev.verdict.projection.jdbc;
