// Package report turns one or more search runs into PNG plots (with
// gonum.org/v1/plot) and a markdown summary: the incumbent's accuracy
// against the number of evaluations and against time, every trial's
// accuracy, several runs on one plot to compare strategies or seeds.
package report
