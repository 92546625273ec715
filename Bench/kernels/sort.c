/* sort: branchy integer sorting — an introsort-like quicksort (median of three, insertion
 * sort for short ranges) and a bottom-up merge sort over random 32-bit keys. */
#include "bench.h"

static void insertion(uint32_t *a, int lo, int hi) {
    for (int i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        int j = i - 1;
        while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void quicksort(uint32_t *a, int lo, int hi) {
    while (hi - lo > 16) {
        int mid = lo + (hi - lo) / 2;
        /* median of three into a[mid] */
        if (a[mid] < a[lo]) { uint32_t t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
        if (a[hi] < a[lo]) { uint32_t t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
        if (a[hi] < a[mid]) { uint32_t t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
        uint32_t pivot = a[mid];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) { uint32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
        }
        /* recurse into the smaller half, loop on the larger: bounded stack depth */
        if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
        else { quicksort(a, i, hi); hi = j; }
    }
    insertion(a, lo, hi);
}

static void mergesort(uint32_t *a, uint32_t *tmp, int n) {
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n;
            int hi = lo + 2 * width < n ? lo + 2 * width : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
            while (i < mid) tmp[k++] = a[i++];
            while (j < hi) tmp[k++] = a[j++];
        }
        uint32_t *t = a; a = tmp; tmp = t; /* the merged run is the next pass's input */
    }
}

static uint64_t check_sorted(const uint32_t *a, int n, uint64_t h) {
    for (int i = 1; i < n; i++)
        if (a[i - 1] > a[i]) { printf("not sorted at %d\n", i); exit(1); }
    for (int i = 0; i < n; i += 97) h = mix64(h, a[i]);
    return h;
}

int main(int argc, char **argv) {
    int n = (int)bench_size(argc, argv, 5000000, 1000000, 100000);
    uint32_t *a = bench_alloc(sizeof(uint32_t) * n);
    uint32_t *b = bench_alloc(sizeof(uint32_t) * n);
    rng_t r = {123};
    uint64_t h = 0;
    for (int i = 0; i < n; i++) a[i] = rng_u32(&r) % (uint32_t)(n * 4); /* some duplicates */
    memcpy(b, a, sizeof(uint32_t) * n);
    quicksort(a, 0, n - 1);
    h = check_sorted(a, n, h);
    uint32_t *tmp = bench_alloc(sizeof(uint32_t) * n);
    memcpy(tmp, b, sizeof(uint32_t) * n);
    mergesort(b, tmp, n);
    /* after an odd number of passes the result sits in tmp */
    int passes = 0;
    for (int w = 1; w < n; w *= 2) passes++;
    h = check_sorted(passes & 1 ? tmp : b, n, h);
    bench_print(h);
    free(a); free(b); free(tmp);
    return 0;
}
