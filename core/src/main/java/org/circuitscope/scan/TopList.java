package org.circuitscope.scan;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The best {@code capacity} examples of one head or neuron under {@link TopExample#ORDER}. As the
 * order is total, the list after any sequence of adds and merges is the top of their union, the
 * same in every order. Mutable; merged into, as a Spark aggregation buffer is.
 */
public final class TopList implements Serializable {
    private final int capacity;
    private final ArrayList<TopExample> items;

    public TopList(int capacity) {
        this.capacity = capacity;
        this.items = new ArrayList<>(Math.min(capacity, 64));
    }

    public void add(TopExample e) {
        if (capacity == 0 || Double.isNaN(e.score())) return;
        int at = Collections.binarySearch(items, e, TopExample.ORDER);
        if (at >= 0) return; // the same document and position twice: already here
        at = -at - 1;
        if (at >= capacity) return;
        items.add(at, e);
        if (items.size() > capacity) items.removeLast();
    }

    public void merge(TopList other) {
        for (TopExample e : other.items) add(e);
    }

    public List<TopExample> items() { return List.copyOf(items); }

    public int capacity() { return capacity; }
}
