package dev.verdict.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventSubjectTest {
    private static final StoreName PHARMACY = StoreName.of("pharmacy");

    @Test
    void formatsAndParsesAHierarchicalCategoryBackToTheSameEntity() {
        EntityRef invoice = EntityRef.of("billing.invoice", "inv-7");

        EventSubject subject = EventSubject.of(PHARMACY, invoice);

        assertThat(subject.value()).isEqualTo("pharmacy.billing.invoice.inv-7");
        assertThat(invoice.subject("pharmacy")).isEqualTo(subject.value());
        assertThat(EventSubject.parse(subject.value())).contains(subject);
        assertThat(EventSubject.parse(subject.value()).orElseThrow().entity().category())
                .isEqualTo(Category.of("billing.invoice"));
    }

    @Test
    void parsesASingleTokenCategory() {
        assertThat(EventSubject.entityOf(PHARMACY, "pharmacy.prescription.rx-42"))
                .contains(EntityRef.of("prescription", "rx-42"));
    }

    @Test
    void aSubjectNotOfTheFormStoreCategoryIdParsesToEmpty() {
        assertThat(EventSubject.parse("pharmacy.rx-42")).isEmpty();
        assertThat(EventSubject.parse("pharmacy")).isEmpty();
        assertThat(EventSubject.parse("pharmacy..rx-42")).isEmpty();
        assertThat(EventSubject.parse("pharmacy.prescription.")).isEmpty();
        assertThat(EventSubject.parse(".prescription.rx-42")).isEmpty();
        assertThat(EventSubject.parse("pharmacy.pre$cription.rx-42")).isEmpty();
        assertThat(EventSubject.entityOf(StoreName.of("billing"), "pharmacy.prescription.rx-42"))
                .isEmpty();
    }

    @Test
    void filtersMatchOneCategoryOrTheWholeStore() {
        assertThat(EventSubject.categoryFilter(PHARMACY, Category.of("billing.invoice")))
                .isEqualTo("pharmacy.billing.invoice.*");
        assertThat(EventSubject.wholeStoreFilter(PHARMACY)).isEqualTo("pharmacy.>");
    }
}
