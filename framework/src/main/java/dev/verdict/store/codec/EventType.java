package dev.verdict.store.codec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives an event record a stable stored name and the schema version of its current shape.
 *
 * <p>Without this annotation an event is stored under its simple class name at schema version 1. Rename the Java
 * class freely once the name is pinned here; raise {@link #version()} whenever the JSON shape changes and register
 * an {@link Upcaster} from the previous version.
 *
 * <pre>{@code
 * @EventType(value = "PrescriptionOrdered", version = 2)
 * record Ordered(String drug, int quantity) implements PrescriptionEvent {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {

    /** The stored type name; empty means the simple class name. Printable ASCII without spaces. */
    String value() default "";

    /** The schema version of the record's current shape, starting at 1. */
    int version() default 1;
}
