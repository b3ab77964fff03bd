#!/usr/bin/perl
# An independent DKIM verifier: Perl's Mail::DKIM (what SpamAssassin and amavis use), not the
# dkimpy that signs our mail. Usage: dkim_verify.pl DNS_PORT FILE...; every key is looked up
# on the tests' own DNS server at 127.0.0.1:DNS_PORT. Prints "<file> <result> <d=> <detail>"
# per file, one signature each (the first; we sign once).
use strict;
use warnings;
use Mail::DKIM::DNS;
use Mail::DKIM::Verifier;
use Net::DNS::Resolver;

my $port = shift @ARGV or die "usage: $0 DNS_PORT FILE...\n";
Mail::DKIM::DNS::resolver(
    Net::DNS::Resolver->new(nameservers => ['127.0.0.1'], port => $port, recurse => 0, tcp_timeout => 5, udp_timeout => 5)
);
for my $file (@ARGV) {
    open(my $fh, '<', $file) or die "$file: $!\n";
    my $dkim = Mail::DKIM::Verifier->new();
    while (my $line = <$fh>) {
        $line =~ s/\r?\n\z/\015\012/;    # maildir files end lines in LF; DKIM reads CRLF
        $dkim->PRINT($line);
    }
    close $fh;
    $dkim->CLOSE;
    my ($signature) = $dkim->signatures;
    my $domain = $signature ? $signature->domain : '-';
    printf "%s %s %s %s\n", $file, $dkim->result, $domain, ($dkim->result_detail =~ s/\s+/_/gr);
}
