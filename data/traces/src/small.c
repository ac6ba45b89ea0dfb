#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct node { struct node *next; int key; char name[24]; };
static struct node *push(struct node *head, int key) {
    struct node *n = malloc(sizeof *n);
    if (!n) exit(1);
    n->next = head; n->key = key;
    snprintf(n->name, sizeof n->name, "node-%d", key);
    return n;
}
int main(int argc, char **argv) {
    struct node *head = NULL;
    int count = argc > 1 ? atoi(argv[1]) : 100;
    for (int i = 0; i < count; i++) head = push(head, i * 7 % 13);
    long sum = 0;
    for (struct node *n = head; n; n = n->next) sum += n->key + (long)strlen(n->name);
    while (head) { struct node *next = head->next; free(head); head = next; }
    printf("%ld\n", sum);
    return 0;
}
