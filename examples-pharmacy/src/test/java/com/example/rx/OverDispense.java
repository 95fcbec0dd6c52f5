package com.example.rx;

import dev.verdict.decider.DomainRejection;

public final class OverDispense extends DomainRejection {
    private static final long serialVersionUID = 1L;

    public OverDispense(int asked, int remaining) {
        super("rx.over-dispense", "cannot dispense " + asked + ", only " + remaining + " remain");
    }
}
