# An allocation-heavy Perl run for the program benchmark (data/programs/perl.yaml): hashes of arrays, string
# building, regular expressions and sorts, in waves. Prints a summary that depends only on the work done.
use strict;
use warnings;

my $seed = 4141;
sub next_random { $seed = ($seed * 1103515245 + 12345) % 2147483648; return $seed; }

my $checksum = 0;
for my $wave (1 .. 8) {
    my %groups;
    my @lines;
    for my $i (1 .. 40000) {
        my $key = "k" . (next_random() % 5003);
        push @{ $groups{$key} }, $i;
        push @lines, join(",", $key, $i, "x" x (next_random() % 40));
    }
    my $joined = join("\n", @lines);
    my $matches = () = $joined =~ /k(\d+)1,/g;
    my @sorted = sort { scalar(@{ $groups{$b} }) <=> scalar(@{ $groups{$a} }) or $a cmp $b } keys %groups;
    my %lengths;
    $lengths{ length($_) }++ for @lines;
    $checksum = ($checksum * 31 + $matches + scalar(@sorted) + scalar(@{ $groups{ $sorted[0] } }) + scalar(keys %lengths)) % 1000000007;
}
print "waves 8 checksum $checksum\n";
