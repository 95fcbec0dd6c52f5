package dev.verdict.store;

import java.util.Objects;
import java.util.Optional;

/**
 * The one place that knows how events are laid out on subjects: an entity's events live on {@code
 * <store>.<category>.<id>}, where the category may have several tokens ({@code pharmacy.billing.invoice.inv-7}). The
 * store writes on {@link #value()}, readers and partitions find the entity with {@link #parse(String)}, filters
 * come from {@link #categoryFilter} and {@link #wholeStoreFilter}.
 *
 * <p>Timers ({@link Timers}) live beside the store, in a stream of their own named {@link #timerStore} ({@code
 * <store>_timers}): the server's message scheduler needs a stream that allows purges, which an event stream never
 * does. A timer is scheduled on {@code <store>_timers.schedule.<owner>.<instance>.<name>} ({@link #timerSchedule}) and
 * fires onto {@code <store>_timers.fired.<owner>.<instance>} ({@link #timerFired}) – an entity subject of the timer
 * store whose category is {@code fired.<owner>} and whose id is the instance, so runners and readers handle fired
 * timers like events. No subject of an event store's stream is used, so old streams are read as before.
 *
 * <p>Guarantees: {@code parse(EventSubject.of(store, entity).value())} returns the same store and entity for every
 * valid store and entity (the store name and the id are single tokens, so the category is exactly the tokens in
 * between); a subject that is not of that form parses to empty, never to another entity.
 *
 * <pre>{@code
 * EventSubject s = EventSubject.of(StoreName.of("pharmacy"), EntityRef.of("billing.invoice", "inv-7"));
 * s.value();                                                   // "pharmacy.billing.invoice.inv-7"
 * EventSubject.parse("pharmacy.billing.invoice.inv-7");        // the same store and entity
 * EventSubject.categoryFilter(StoreName.of("pharmacy"), Category.of("billing.invoice")); // "pharmacy.billing.invoice.*"
 * }</pre>
 *
 * @param store the store, the first token
 * @param entity the entity: the category's tokens, then the id
 */
public record EventSubject(StoreName store, EntityRef entity) {
    public EventSubject {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(entity, "entity");
    }

    /** The subject of an entity's events in a store. */
    public static EventSubject of(StoreName store, EntityRef entity) {
        return new EventSubject(store, entity);
    }

    /** The subject text, {@code <store>.<category>.<id>}. */
    public String value() {
        return format(store.value(), entity);
    }

    /**
     * The store and entity of a subject {@code <store>.<category>.<id>}, or empty when the subject is not of that
     * form (fewer than three tokens, or a token that is not a valid identifier).
     */
    public static Optional<EventSubject> parse(String subject) {
        if (subject == null) {
            return Optional.empty();
        }
        int firstDot = subject.indexOf('.');
        int lastDot = subject.lastIndexOf('.');
        if (firstDot <= 0 || lastDot <= firstDot + 1 || lastDot == subject.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new EventSubject(
                    StoreName.of(subject.substring(0, firstDot)),
                    new EntityRef(
                            Category.of(subject.substring(firstDot + 1, lastDot)),
                            EntityId.of(subject.substring(lastDot + 1)))));
        } catch (InvalidIdentifier e) {
            return Optional.empty();
        }
    }

    /**
     * The entity of a subject of the given store, or empty when the subject is not {@code <store>.<category>.<id>}
     * of exactly that store.
     */
    public static Optional<EntityRef> entityOf(StoreName store, String subject) {
        return parse(subject).filter(s -> s.store.equals(store)).map(EventSubject::entity);
    }

    /** The filter matching exactly one category's entities ({@code <store>.<category>.*}, not its sub-categories). */
    public static String categoryFilter(StoreName store, Category category) {
        return store.value() + "." + category.value() + ".*";
    }

    /** The filter matching every event of a store ({@code <store>.>}). */
    public static String wholeStoreFilter(StoreName store) {
        return store.value() + ".>";
    }

    private static final String TIMER_STORE_SUFFIX = "_timers";
    private static final String SCHEDULE = "schedule";
    private static final String FIRED = "fired";

    /** The store holding the timers of {@code store}: {@code <store>_timers}, its stream and first subject token. */
    public static StoreName timerStore(StoreName store) {
        return StoreName.of(store.value() + TIMER_STORE_SUFFIX);
    }

    /** The subject holding the schedule of one timer: {@code <store>_timers.schedule.<owner>.<instance>.<name>}. */
    public static String timerSchedule(StoreName store, TimerRef ref) {
        return timerStore(store) + "." + SCHEDULE + "." + ref.owner() + "." + ref.instance() + "." + ref.name();
    }

    /** The filter of the schedules of every timer of the store ({@code <store>_timers.schedule.*.*.*}). */
    public static String timerScheduleFilter(StoreName store) {
        return timerStore(store) + "." + SCHEDULE + ".*.*.*";
    }

    /** The filter of the schedules of one instance of an owner ({@code ...schedule.<owner>.<instance>.*}). */
    public static String timerScheduleFilter(StoreName store, String owner, String instance) {
        TimerRef probe = TimerRef.of(owner, instance, "x"); // validates both tokens
        return timerStore(store) + "." + SCHEDULE + "." + probe.owner() + "." + probe.instance() + ".*";
    }

    /** The filter of the schedules of every instance of an owner ({@code ...schedule.<owner>.*.*}). */
    public static String timerScheduleFilter(StoreName store, String owner) {
        TimerRef probe = TimerRef.of(owner, "x", "x");
        return timerStore(store) + "." + SCHEDULE + "." + probe.owner() + ".*.*";
    }

    /** The timer whose schedule a subject holds, or empty when the subject is not a schedule of this store's timers. */
    public static Optional<TimerRef> timerOfSchedule(StoreName store, String subject) {
        String prefix = timerStore(store) + "." + SCHEDULE + ".";
        if (subject == null || !subject.startsWith(prefix)) {
            return Optional.empty();
        }
        String[] parts = subject.substring(prefix.length()).split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(TimerRef.of(parts[0], parts[1], parts[2]));
        } catch (InvalidIdentifier e) {
            return Optional.empty();
        }
    }

    /**
     * The subject a timer of an owner's instance fires onto, {@code <store>_timers.fired.<owner>.<instance>}: the
     * entity subject of the instance in the timer store's category {@link #timerFiredCategory}.
     */
    public static EventSubject timerFired(StoreName store, TimerRef ref) {
        return of(timerStore(store), new EntityRef(timerFiredCategory(ref.owner()), EntityId.of(ref.instance())));
    }

    /** The category of the timer store holding an owner's fired timers, {@code fired.<owner>}. */
    public static Category timerFiredCategory(String owner) {
        return Category.of(FIRED + "." + TimerRef.of(owner, "x", "x").owner());
    }

    static String format(String store, EntityRef entity) {
        return store + "." + entity.category().value() + "." + entity.id().value();
    }

    @Override
    public String toString() {
        return value();
    }
}
