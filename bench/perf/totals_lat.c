/* totals_lat.c — in-process latency of exact against bounded counts
 * (docs/performance.md, "Totals up to a bound"): the same query run with
 * bg_search_options.exact and with each count bound, interleaved, so that
 * every mode meets the same load. Not built by CMake:
 *
 *   cc -O2 -std=gnu11 -Iinclude -o totals_lat bench/perf/totals_lat.c -Lbuild -lbaogao -Wl,-rpath,build
 *   ./totals_lat INDEX REPS BOUNDS QUERY...
 *
 * BOUNDS is a comma list, 0 meaning exact (0,10000,1000). A query starting
 * "A:" runs with all_copies (every copy a hit), "Y:" as --by-year (per year
 * 3), both "A:Y:". Prints per query and mode the total ("~" when estimated)
 * and the median wall and thread CPU milliseconds of REPS runs (at most 64)
 * after one untimed run. */
#include "baogao.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double cpu_ms(void){struct timespec t;clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
static double wall_ms(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return (x>y)-(x<y);}
int main(int argc,char**argv){
    /* lat DB REPS BOUNDS(comma list; 0 = exact) QUERY... ; modes interleaved */
    bg_index*ix=NULL; if(bg_index_open(&ix,argv[1],0)){fprintf(stderr,"%s\n",bg_errmsg());return 1;}
    int reps=atoi(argv[2]); size_t bounds[8]; int nb=0;
    for(char*p=strtok(argv[3],",");p&&nb<8;p=strtok(NULL,","))bounds[nb++]=strtoul(p,NULL,10);
    for(int qi=4;qi<argc;qi++){
        const char*q=argv[qi]; int allc = strncmp(q,"A:",2)==0; if(allc)q+=2; int byyear = strncmp(q,"Y:",2)==0; if(byyear)q+=2;
        double w[8][64],c[8][64]; if(reps>64)reps=64; size_t tot[8]; int ex[8];
        for(int r=-1;r<reps;r++)for(int b=0;b<nb;b++){
            bg_search_options o=BG_SEARCH_OPTIONS_INIT; o.exact=bounds[b]==0; o.count_bound=bounds[b]; o.all_copies=allc;
            double w0=wall_ms(),c0=cpu_ms();
            if(byyear){bg_byyear*by=NULL; if(bg_search_by_year(&by,ix,q,&o))return 2; tot[b]=bg_byyear_total(by); ex[b]=bg_byyear_total_exact(by); bg_byyear_free(by);}
            else{bg_results*res=NULL; if(bg_search_run(&res,ix,q,&o))return 2;
            for(size_t i=0;i<bg_results_count(res);i++){char*s=bg_hit_snippet(bg_results_hit(res,i),100,"[","]");bg_free(s);}
            tot[b]=bg_results_total(res); ex[b]=bg_results_total_exact(res); bg_results_free(res);}
            if(r>=0){w[b][r]=wall_ms()-w0;c[b][r]=cpu_ms()-c0;}
        }
        printf("%s%s%s",allc?"all-copies ":"",byyear?"by-year ":"",q);
        for(int b=0;b<nb;b++){qsort(w[b],reps,sizeof(double),cmp);qsort(c[b],reps,sizeof(double),cmp);
            printf("\t%s: total %zu%s, wall %.2f ms, cpu %.2f ms",bounds[b]?"bound":"exact",tot[b],ex[b]?"":"~",w[b][reps/2],c[b][reps/2]);
            if(bounds[b])printf(" (%zu)",bounds[b]);}
        printf("\n");fflush(stdout);
    }
    bg_index_free(ix);return 0;}
