package dev.verdict.decider;

/**
 * Which entity a {@link MultiDecider} reads or writes: a category and an id, e.g. {@code prescription/rx-42}. The
 * pure counterpart of the store's {@code EntityRef} (this package knows no store), under the same rule for names
 * ({@link EntityNames}): every key names an entity the store can hold, and the runtime maps one to the other.
 *
 * <pre>{@code
 * EntityKey rx = EntityKey.of("prescription", "rx-42");
 * rx.toString();   // "prescription/rx-42"
 * }</pre>
 *
 * @param category the entity's category: 1–8 tokens separated by {@code .}, e.g. {@code inventory} or {@code
 *     billing.invoice} (a token is 1–128 ASCII letters, digits, {@code -} or {@code _})
 * @param id the entity's id within its category, one token
 */
public record EntityKey(String category, String id) {
    public EntityKey {
        EntityNames.categoryProblem(category).ifPresent(EntityKey::refuse);
        EntityNames.idProblem(id).ifPresent(EntityKey::refuse);
    }

    /** The key of entity {@code id} in {@code category}. */
    public static EntityKey of(String category, String id) {
        return new EntityKey(category, id);
    }

    private static void refuse(String problem) {
        throw new IllegalArgumentException(problem);
    }

    @Override
    public String toString() {
        return category + "/" + id;
    }
}
