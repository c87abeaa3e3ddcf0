# bash completion for llm4rec-data (installed as share/bash-completion/completions/llm4rec-data).
# Commands come from `llm4rec-data --help`, options from `llm4rec-data COMMAND --help`, datasets
# and variants from `llm4rec-data list`, so the completion follows the binary it completes.
_llm4rec_data()
{
    local cur prev words cword
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    local prog=${COMP_WORDS[0]} cmd= dataset= i w
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
            --data-dir|--recipes) ((i++)); continue ;;
            -*) continue ;;
        esac
        if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $dataset ]]; then dataset=${w%%/*}; fi
    done
    case $prev in
        --data-dir|--recipes|-o|--output|--raw|--from|--lock|--plot)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --variant)
            [[ -n $dataset ]] && COMPREPLY=($(compgen -W "$("$prog" list "$dataset" 2>/dev/null | cut -f2)" -- "$cur"))
            return ;;
    esac
    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--data-dir --recipes --quiet --help --version -q -h" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')" -- "$cur"))
        fi
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$("$prog" "$cmd" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)" -- "$cur"))
        return
    fi
    case $cmd in
        help)
            COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')" -- "$cur")) ;;
        info|fetch|convert|list)
            if [[ -n $dataset ]]; then return; fi
            if [[ $cur == */* ]]; then
                local d=${cur%%/*}
                COMPREPLY=($(compgen -W "$("$prog" list "$d" 2>/dev/null | cut -f1,2 --output-delimiter=/)" -- "$cur"))
                compopt -o nospace 2>/dev/null
            else
                COMPREPLY=($(compgen -W "$("$prog" list 2>/dev/null | cut -f1 | sort -u)" -- "$cur"))
            fi ;;
        cache)
            [[ -z $dataset ]] && COMPREPLY=($(compgen -W "clean" -- "$cur")) ;;
        stats|verify|audit)
            COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}
complete -F _llm4rec_data llm4rec-data
