// patchgd: the command-line front end (placeholder until the CLI lands).
int main() { return 0; }
