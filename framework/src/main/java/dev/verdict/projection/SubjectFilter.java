package dev.verdict.projection;

import dev.verdict.decider.EntityType;
import dev.verdict.store.Category;
import dev.verdict.store.EventSubject;
import dev.verdict.store.StoreName;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which events of a store a projection reads: one category, several categories, or the whole store. It becomes the
 * consumer's filter subject(s); events arrive in stream order across all of them.
 *
 * <p>A category matches exactly its own entities: {@code category(pharmacy, billing)} is {@code pharmacy.billing.*}
 * and does not include the category {@code billing.invoice} ({@code pharmacy.billing.invoice.*}).
 *
 * <pre>{@code
 * SubjectFilter.category(StoreName.of("pharmacy"), Category.of("prescription"));   // pharmacy.prescription.*
 * SubjectFilter.categories(StoreName.of("pharmacy"), Category.of("prescription"), Category.of("stock"));
 * SubjectFilter.wholeStore(StoreName.of("pharmacy"));                               // pharmacy.>
 * SubjectFilter.category(StoreName.of("pharmacy"), PrescriptionDecider.TYPE);     // the type's category
 * }</pre>
 *
 * @param store the store: its stream and first subject token
 * @param subjects the consumer filter subjects
 */
public record SubjectFilter(StoreName store, List<String> subjects) {
    public SubjectFilter {
        Objects.requireNonNull(store, "store");
        subjects = List.copyOf(subjects);
        if (subjects.isEmpty()) {
            throw new IllegalArgumentException("a subject filter needs at least one subject");
        }
        for (String s : subjects) {
            if (!s.startsWith(store.value() + ".")) {
                throw new IllegalArgumentException("filter subject '" + s + "' is outside store '" + store
                        + "' (must start with '" + store + ".')");
            }
        }
    }

    /** The events of one category. */
    public static SubjectFilter category(StoreName store, Category category) {
        return new SubjectFilter(store, List.of(subjectOf(store, category)));
    }

    /** The events of several categories, interleaved in stream order. */
    public static SubjectFilter categories(StoreName store, Category... categories) {
        if (categories.length == 0) {
            throw new IllegalArgumentException("name at least one category");
        }
        return new SubjectFilter(
                store,
                Arrays.stream(categories)
                        .map(c -> subjectOf(store, c))
                        .distinct()
                        .toList());
    }

    /** The events of the entities of one {@link EntityType}: its category's. */
    public static SubjectFilter category(StoreName store, EntityType<?, ?, ?> type) {
        return category(store, Category.of(type.category()));
    }

    /** The events of the entities of several {@link EntityType}s, interleaved in stream order. */
    public static SubjectFilter categories(StoreName store, EntityType<?, ?, ?>... types) {
        return categories(
                store, Arrays.stream(types).map(t -> Category.of(t.category())).toArray(Category[]::new));
    }

    /** Every event of the store. */
    public static SubjectFilter wholeStore(StoreName store) {
        return new SubjectFilter(store, List.of(EventSubject.wholeStoreFilter(store)));
    }

    /** The JetStream stream holding the store's events (named like the store). */
    public String stream() {
        return store.value();
    }

    private static String subjectOf(StoreName store, Category category) {
        return EventSubject.categoryFilter(store, category);
    }
}
