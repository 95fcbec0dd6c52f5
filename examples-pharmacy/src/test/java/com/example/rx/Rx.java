package com.example.rx;

public record Rx(String drug, int prescribed, int dispensed) {
    public static final Rx NONE = new Rx("", 0, 0);

    public int remaining() {
        return prescribed - dispensed;
    }
}
