/* l4r-gen.c — placeholder */
int main(void) { return 0; }
