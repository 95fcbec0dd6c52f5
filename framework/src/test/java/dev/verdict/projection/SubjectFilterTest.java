package dev.verdict.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectFilterTest {
    private static final StoreName PHARMACY = StoreName.of("pharmacy");

    @Test
    void categoryMatchesExactlyItsOwnEntities() {
        assertThat(SubjectFilter.category(PHARMACY, Category.of("billing")).subjects())
                .containsExactly("pharmacy.billing.*");
    }

    @Test
    void hierarchicalCategoryKeepsAllItsTokens() {
        assertThat(SubjectFilter.category(PHARMACY, Category.of("billing.invoice"))
                        .subjects())
                .containsExactly("pharmacy.billing.invoice.*");
    }

    @Test
    void severalCategoriesBecomeSeveralFilterSubjects() {
        assertThat(SubjectFilter.categories(PHARMACY, Category.of("prescription"), Category.of("stock"))
                        .subjects())
                .containsExactly("pharmacy.prescription.*", "pharmacy.stock.*");
    }

    @Test
    void wholeStoreIsEverySubjectOfTheStore() {
        SubjectFilter all = SubjectFilter.wholeStore(PHARMACY);

        assertThat(all.subjects()).containsExactly("pharmacy.>");
        assertThat(all.stream()).isEqualTo("pharmacy");
    }

    @Test
    void refusesSubjectsOutsideTheStore() {
        assertThatThrownBy(() -> new SubjectFilter(PHARMACY, List.of("other.x.*")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside store 'pharmacy'");
    }
}
